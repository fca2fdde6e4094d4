import type { Database } from 'better-sqlite3';
import {
  claimOutboxRow,
  dueMail,
  markMailAttempt,
  markMailSent,
  type DueMailRow,
} from '../store/outbox-store.ts';
import { PollingWorker } from '../jobs/polling-loop.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import type { MailTransport } from './mail-transport.ts';
import { outgoingMailSchema } from './outgoing-mail.ts';
import { retryDelay } from './retry-delay.ts';

export interface OutboxSenderOptions {
  db: Database;
  transport: MailTransport;
  logger: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollMs: number;
  /** Rows taken per round (default 32). */
  batchSize?: number;
  /**
   * How long a claimed row stays invisible to other rounds while it is being sent (default 5 min). A
   * process that dies mid-send leaves the row pending; it becomes due again when the lease runs out.
   */
  leaseMs?: number;
  now?: () => Date;
  /** Rounds of the background loop run only while this returns true (the node holds the job's lease). */
  runWhen?: () => boolean;
}

export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'skipped';

type OutboxRow = DueMailRow;

/** SMTP 5xx (RFC 5321 §4.2.1) is a permanent rejection: retrying cannot help. */
const permanent = (e: unknown): boolean => {
  const code = (e as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
};

/**
 * Delivers outbox mail: takes due `pending` rows, sends each through the transport, marks it `sent`, or
 * schedules a retry with capped exponential backoff; after maxAttempts (or a permanent 5xx) the row is
 * `failed` with its last error — kept for staff, never deleted. State lives in the database: a restart
 * resumes where it stopped, and a row marked sent is never sent again. Delivery is at-least-once only
 * across a crash between the transport accepting a mail and the row being marked (the file transport
 * then rewrites the same file).
 */
export class OutboxSender extends PollingWorker {
  private readonly now: () => Date;
  private readonly batchSize: number;
  private readonly leaseMs: number;

  constructor(private readonly options: OutboxSenderOptions) {
    super(
      options.pollMs,
      (e) => logEvent(options.logger, 'error', 'outbox.crashed', { err: (e as Error).stack ?? String(e) }),
      options.runWhen,
    );
    this.now = options.now ?? (() => new Date());
    this.batchSize = options.batchSize ?? 32;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
  }

  /** Delivers every row due now, up to one batch; returns how many it took. */
  override async drainOnce(): Promise<number> {
    const rows = dueMail(this.options.db, this.now().toISOString(), this.batchSize);
    for (const row of rows) {
      if (this.stopRequested) break;
      await this.deliver(row);
    }
    return rows.length;
  }

  private async deliver(row: OutboxRow): Promise<DeliveryOutcome> {
    const { logger, transport } = this.options;
    const now = this.now();
    const claimed = claimOutboxRow(
      this.options.db,
      row.id,
      now.toISOString(),
      new Date(now.getTime() + this.leaseMs).toISOString(),
    );
    if (!claimed) return 'skipped'; // another round or process has it
    const attempts = row.attempts + 1;
    let error: string;
    let giveUp = false;
    try {
      const mail = outgoingMailSchema.parse(JSON.parse(row.payload));
      const detail = await transport.send(mail, { id: row.id, createdAt: new Date(row.createdAt), now });
      markMailSent(this.options.db, row.id, attempts, this.now().toISOString());
      logEvent(logger, 'info', 'outbox.sent', {
        id: row.id,
        kind: row.kind,
        transport: transport.name,
        attempts,
        ticketId: row.ticketId,
        to: mail.to.address,
        messageId: mail.messageId,
        detail,
      });
      return 'sent';
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      // A payload that does not parse will not parse next time either.
      giveUp = permanent(e) || e instanceof SyntaxError || (e as Error).name === 'ZodError';
    }
    if (giveUp || attempts >= this.options.maxAttempts) {
      markMailAttempt(this.options.db, {
        id: row.id,
        state: 'failed',
        attempts,
        next: now.toISOString(),
        error,
      });
      logEvent(logger, 'error', 'outbox.failed', {
        id: row.id,
        kind: row.kind,
        transport: transport.name,
        attempts,
        ticketId: row.ticketId,
        permanent: giveUp,
        err: error,
      });
      return 'failed';
    }
    const next = new Date(
      this.now().getTime() + retryDelay(attempts, this.options.retryBaseMs, this.options.retryMaxMs),
    ).toISOString();
    markMailAttempt(this.options.db, { id: row.id, state: 'pending', attempts, next, error });
    logEvent(logger, 'warn', 'outbox.retry', {
      id: row.id,
      kind: row.kind,
      transport: transport.name,
      attempts,
      next,
      ticketId: row.ticketId,
      err: error,
    });
    return 'retry';
  }
}
