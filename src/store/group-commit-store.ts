import { createHash } from 'node:crypto';
import { headerValue } from '../mime/read-header-block.ts';
import type { IncomingMessage, MessageStore, StoreResult } from './messages-store.ts';
import { sourceKey } from './source-key.ts';

/** A message waiting for its batch's commit, with the promise to settle once it is durable (or not). */
export interface PendingMessage {
  message: IncomingMessage;
  sha256: string;
  resolve: (r: StoreResult) => void;
  reject: (e: Error) => void;
}

/** The columns intake writes for a message (the `messages` row; its bytes go to `message_raw`). */
export const ENVELOPE_COLUMNS = [
  'queue_id',
  'received_at',
  'source',
  'mail_from',
  'rcpt_to',
  'client_ip',
  'client_hostname',
  'helo',
  'tls',
  'size',
  'sha256',
  'message_id',
  'verified_by',
  'source_key',
] as const;

/** A message's `messages` row as intake writes it, on either engine. */
export function envelopeRow(
  m: IncomingMessage,
  sha256: string,
  queueId: string,
): Record<(typeof ENVELOPE_COLUMNS)[number], string | number | null> {
  return {
    queue_id: queueId,
    received_at: m.receivedAt.toISOString(),
    source: m.source,
    mail_from: m.mailFrom,
    rcpt_to: JSON.stringify(m.rcptTo),
    client_ip: m.clientIp,
    client_hostname: m.clientHostname,
    helo: m.helo,
    tls: m.tls ? JSON.stringify(m.tls) : null,
    size: m.raw.length,
    sha256,
    message_id: headerValue(m.raw, 'message-id'),
    verified_by: m.verifiedBy ?? null,
    source_key: sourceKey(m.clientIp, m.source),
  };
}

export const sha256Of = (raw: Buffer): string => createHash('sha256').update(raw).digest('hex');

/**
 * Group commit: every message that arrives while no commit is due (within `windowMs` of the first, or the same
 * turn of the event loop), or while a commit runs, is written in the next transaction together, so concurrent
 * sessions share one durable flush instead of paying one each. A message's promise resolves only after its
 * transaction committed; listeners hear how many new messages each commit stored (the worker wakes).
 */
export abstract class GroupCommitStore implements MessageStore {
  private pending: PendingMessage[] = [];
  private scheduled = false;
  private readonly listeners: Array<(count: number) => void> = [];

  /**
   * @param windowMs how long the first message of a batch may wait for company before the commit
   *   (0: commit on the next turn of the event loop). A short window trades a little latency for
   *   fewer flushes under load.
   */
  protected constructor(private readonly windowMs = 0) {}

  /** Writes one batch in one transaction: a result per message, in order. */
  protected abstract writeBatch(batch: PendingMessage[]): StoreResult[] | Promise<StoreResult[]>;

  /** Called after each commit with how many new messages it stored (the worker listens). */
  onStored(listener: (count: number) => void): void {
    this.listeners.push(listener);
  }

  store(message: IncomingMessage): Promise<StoreResult> {
    const sha256 = sha256Of(message.raw);
    return new Promise((resolve, reject) => {
      this.pending.push({ message, sha256, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        if (this.windowMs > 0) setTimeout(() => void this.flush(), this.windowMs);
        else setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      let results: StoreResult[];
      try {
        results = await this.writeBatch(batch);
      } catch (e) {
        for (const p of batch) p.reject(e as Error);
        continue;
      }
      batch.forEach((p, i) => p.resolve(results[i]!));
      const stored = results.filter((r) => !r.duplicate).length;
      if (stored > 0) for (const l of this.listeners) l(stored);
    }
    this.scheduled = false;
  }
}
