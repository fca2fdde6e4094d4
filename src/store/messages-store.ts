import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { headerValue } from '../intake/header-value.ts';
import { newQueueId } from '../intake/queue-id.ts';

/** One message as intake received it: the raw bytes and every envelope fact. */
export interface IncomingMessage {
  raw: Buffer;
  mailFrom: string;
  rcptTo: string[];
  clientIp: string | null;
  clientHostname: string | null;
  helo: string | null;
  tls: { protocol: string; cipher: string } | null;
  receivedAt: Date;
  source: 'smtp' | 'ingest';
}

export interface StoreResult {
  id: number;
  queueId: string;
  duplicate: boolean;
}

/** Durable storage for accepted messages: `store` resolves only once the message is on disk. */
export interface MessageStore {
  store(message: IncomingMessage): Promise<StoreResult>;
}

interface Pending {
  message: IncomingMessage;
  sha256: string;
  resolve: (r: StoreResult) => void;
  reject: (e: Error) => void;
}

/**
 * Group commit: every message whose DATA ends in the same turn of the event loop is written in one
 * SQLite transaction, so concurrent sessions share one fsync (WAL, synchronous=FULL) instead of
 * paying one each. A message's promise resolves only after its transaction committed.
 */
export class SqliteMessageStore implements MessageStore {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly insert: Statement;
  private readonly insertRaw: Statement;
  private readonly existing: Statement;
  private readonly listeners: Array<(count: number) => void> = [];

  /**
   * @param windowMs how long the first message of a batch may wait for company before the commit
   *   (0: commit on the next turn of the event loop). A short window trades a little latency for
   *   fewer fsyncs under load.
   */
  constructor(
    private readonly db: Database,
    private readonly windowMs = 0,
  ) {
    this.insert = db.prepare(`INSERT INTO messages
      (queue_id, received_at, source, mail_from, rcpt_to, client_ip, client_hostname, helo, tls, size, sha256, message_id)
      VALUES (@queueId, @receivedAt, @source, @mailFrom, @rcptTo, @clientIp, @clientHostname, @helo, @tls, @size, @sha256, @messageId)
      ON CONFLICT (sha256) DO NOTHING RETURNING id`);
    this.insertRaw = db.prepare('INSERT INTO message_raw (message_id, raw) VALUES (?, ?)');
    this.existing = db.prepare('SELECT id, queue_id AS queueId FROM messages WHERE sha256 = ?');
  }

  /** Called after each commit with how many new messages it stored (the worker listens). */
  onStored(listener: (count: number) => void): void {
    this.listeners.push(listener);
  }

  store(message: IncomingMessage): Promise<StoreResult> {
    const sha256 = createHash('sha256').update(message.raw).digest('hex');
    return new Promise((resolve, reject) => {
      this.pending.push({ message, sha256, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        if (this.windowMs > 0) setTimeout(() => this.flush(), this.windowMs);
        else setImmediate(() => this.flush());
      }
    });
  }

  /** Stores synchronously (CLI ingest, tests). */
  storeNow(message: IncomingMessage): StoreResult {
    const sha256 = createHash('sha256').update(message.raw).digest('hex');
    const [result] = this.writeBatch([{ message, sha256, resolve: () => undefined, reject: () => undefined }]);
    return result!;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let results: StoreResult[];
    try {
      results = this.writeBatch(batch);
    } catch (e) {
      for (const p of batch) p.reject(e as Error);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
    const stored = results.filter((r) => !r.duplicate).length;
    if (stored > 0) for (const l of this.listeners) l(stored);
  }

  private writeBatch(batch: Pending[]): StoreResult[] {
    return this.db.transaction(() =>
      batch.map(({ message: m, sha256 }) => {
        const queueId = newQueueId(m.receivedAt);
        const row = this.insert.get({
          queueId,
          receivedAt: m.receivedAt.toISOString(),
          source: m.source,
          mailFrom: m.mailFrom,
          rcptTo: JSON.stringify(m.rcptTo),
          clientIp: m.clientIp,
          clientHostname: m.clientHostname,
          helo: m.helo,
          tls: m.tls ? JSON.stringify(m.tls) : null,
          size: m.raw.length,
          sha256,
          messageId: headerValue(m.raw, 'message-id'),
        }) as { id: number } | undefined;
        if (!row) {
          const prior = this.existing.get(sha256) as { id: number; queueId: string };
          return { ...prior, duplicate: true };
        }
        this.insertRaw.run(row.id, m.raw);
        return { id: row.id, queueId, duplicate: false };
      }),
    )();
  }
}
