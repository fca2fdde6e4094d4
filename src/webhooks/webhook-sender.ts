import type { Database, Statement } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { retryDelay } from '../outbox/retry-delay.ts';
import { PollingWorker } from '../worker/polling-loop.ts';
import { globalWebhookEndpoints, type WebhookPayload } from './emit-webhook.ts';
import { signWebhook } from './sign-webhook.ts';

export interface WebhookSenderOptions {
  db: Database;
  logger: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollMs: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  batchSize?: number;
  /** How long a claimed row stays invisible to other rounds while it is posted (default 5 min). */
  leaseMs?: number;
  now?: () => Date;
}

interface Row {
  id: number;
  payload: string;
  attempts: number;
}

/**
 * Delivers outbox rows of kind 'webhook': POSTs the signed JSON body; 2xx = `sent`, anything else (status,
 * timeout, network error) = retry with capped exponential backoff, `failed` after maxAttempts (kept for
 * replay). Same lease/claim scheme as OutboxSender: state lives in the database, so a restart resumes and
 * at-least-once delivery holds (receivers dedupe on `webhook-id`).
 */
export class WebhookSender extends PollingWorker {
  private readonly due: Statement;
  private readonly claim: Statement;
  private readonly mark: Statement;
  private readonly now: () => Date;
  constructor(private readonly options: WebhookSenderOptions) {
    super(options.pollMs, (e) => logEvent(options.logger, 'error', 'webhook.crashed', { err: (e as Error).stack ?? String(e) }));
    const { db } = options;
    this.now = options.now ?? (() => new Date());
    this.due = db.prepare(`SELECT id, payload, attempts FROM outbox WHERE state = 'pending' AND kind = 'webhook' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`);
    this.claim = db.prepare(`UPDATE outbox SET next_attempt_at = @lease WHERE id = @id AND state = 'pending' AND next_attempt_at <= @now`);
    this.mark = db.prepare(`UPDATE outbox SET state = @state, attempts = @attempts, next_attempt_at = @next, last_error = @error,
      sent_at = CASE WHEN @state = 'sent' THEN @next ELSE sent_at END WHERE id = @id`);
  }

  /** Delivers every row due now, up to one batch; returns how many it took. */
  override async drainOnce(): Promise<number> {
    const rows = this.due.all(this.now().toISOString(), this.options.batchSize ?? 32) as Row[];
    for (const row of rows) {
      if (this.stopRequested) break;
      await this.deliver(row);
    }
    return rows.length;
  }

  private secretFor(p: WebhookPayload): string | null {
    if (p.target === 'global') return globalWebhookEndpoints(this.options.db).find((e) => e.url === p.url)?.secret ?? null;
    const c = prepared(this.options.db, 'SELECT webhook_secret AS secret FROM clients WHERE id = ?').get(p.clientId) as { secret: string | null } | undefined;
    return c?.secret ?? null;
  }

  private async deliver(row: Row): Promise<'sent' | 'retry' | 'failed' | 'skipped'> {
    const { logger, maxAttempts, retryBaseMs, retryMaxMs } = this.options;
    const now = this.now();
    const lease = new Date(now.getTime() + (this.options.leaseMs ?? 5 * 60_000)).toISOString();
    if (this.claim.run({ id: row.id, now: now.toISOString(), lease }).changes !== 1) return 'skipped';
    const attempts = row.attempts + 1;
    let error: string;
    let url = '';
    try {
      const p = JSON.parse(row.payload) as WebhookPayload;
      url = p.url;
      const secret = this.secretFor(p);
      if (!secret) throw new Error(`no secret configured for ${p.target} endpoint ${p.url}`);
      const body = JSON.stringify({ type: p.type, timestamp: p.timestamp, data: p.data });
      const headers = { 'content-type': 'application/json', 'user-agent': 'abusedesk-webhooks', ...signWebhook(secret, p.webhookId, Math.floor(now.getTime() / 1000), body) };
      const res = await fetch(p.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000), redirect: 'manual' });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) {
        this.mark.run({ id: row.id, state: 'sent', attempts, next: this.now().toISOString(), error: null });
        logEvent(logger, 'info', 'webhook.sent', { id: row.id, type: p.type, url: p.url, status: res.status, attempts });
        return 'sent';
      }
      error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    if (attempts >= maxAttempts) {
      this.mark.run({ id: row.id, state: 'failed', attempts, next: now.toISOString(), error });
      logEvent(logger, 'error', 'webhook.failed', { id: row.id, url, attempts, err: error });
      return 'failed';
    }
    const next = new Date(this.now().getTime() + retryDelay(attempts, retryBaseMs, retryMaxMs)).toISOString();
    this.mark.run({ id: row.id, state: 'pending', attempts, next, error });
    logEvent(logger, 'warn', 'webhook.retry', { id: row.id, url, attempts, next, err: error });
    return 'retry';
  }
}

/** Staff replay: puts a webhook row (sent or failed) back to pending, due now, with a fresh attempt count. */
export function replayWebhook(db: Database, id: number, now: Date): boolean {
  return prepared(db, `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL WHERE id = ? AND kind = 'webhook'`).run(now.toISOString(), id).changes === 1;
}

export type WebhookDelivery = {
  id: number;
  type: string;
  url: string;
  webhookId: string;
  state: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  nextAttemptAt: string;
  /** The ticket the event is about, when known. */
  ticketId: string | null;
  /** The report the event is about, when known. */
  reportId: number | null;
  /** The ticket that report belongs to, when it has one. */
  reportTicketId: string | null;
  /** The body as delivered (`type`, `timestamp`, `data`; never the signing secret). */
  body: { type: string; timestamp: string; data: Record<string, unknown> };
};

export interface WebhookDeliveryFilter {
  /** pending, sent or failed. */
  state?: string | undefined;
  /** The event type (report.received, ticket.created…). */
  type?: string | undefined;
  /** How many, newest first (default 50). */
  limit?: number | undefined;
}

/** The delivery log: webhook rows of the outbox, newest first; a number is the limit (as the CLI passes it). */
export function listWebhookDeliveries(db: Database, filter: number | WebhookDeliveryFilter = 50): WebhookDelivery[] {
  const f = typeof filter === 'number' ? { limit: filter } : filter;
  const rows = prepared(
    db,
    `SELECT o.id, o.payload, o.state, o.attempts, o.last_error AS lastError, o.created_at AS createdAt, o.sent_at AS sentAt, o.next_attempt_at AS nextAttemptAt,
      o.ticket_id AS ticketId, o.report_id AS reportId, r.ticket_id AS reportTicketId
    FROM outbox o LEFT JOIN reports r ON r.id = o.report_id
    WHERE o.kind = 'webhook' AND (@state IS NULL OR o.state = @state) AND (@type IS NULL OR json_extract(o.payload, '$.type') = @type)
    ORDER BY o.id DESC LIMIT @limit`,
  ).all({ state: f.state ?? null, type: f.type ?? null, limit: f.limit ?? 50 }) as Array<Omit<WebhookDelivery, 'type' | 'url' | 'webhookId' | 'body'> & { payload: string }>;
  return rows.map(({ payload, ...r }) => {
    const p = JSON.parse(payload) as WebhookPayload;
    return {
      id: r.id,
      type: p.type,
      url: p.url,
      webhookId: p.webhookId,
      state: r.state,
      attempts: r.attempts,
      lastError: r.lastError,
      createdAt: r.createdAt,
      sentAt: r.sentAt,
      nextAttemptAt: r.nextAttemptAt,
      ticketId: r.ticketId,
      reportId: r.reportId,
      reportTicketId: r.reportTicketId,
      body: { type: p.type, timestamp: p.timestamp, data: p.data },
    };
  });
}
