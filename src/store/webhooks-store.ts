import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { WebhookPayload } from '../webhooks/emit-webhook.ts';
import type { OutboxState } from './vocabulary.ts';

/** Queues one webhook row (outbox kind 'webhook'); null when its dedupe key was already queued. */
export function queueWebhook(
  db: Database,
  row: { dedupeKey: string; payload: string; at: string; ticketId: string | null; reportId: number | null },
): number | null {
  const r = prepared(
    db,
    `INSERT INTO outbox (kind, dedupe_key, payload, state, attempts, next_attempt_at, created_at, ticket_id, report_id)
     VALUES ('webhook', @dedupeKey, @payload, 'pending', 0, @at, @at, @ticketId, @reportId) ON CONFLICT (dedupe_key) DO NOTHING`,
  ).run(row);
  return r.changes === 1 ? Number(r.lastInsertRowid) : null;
}

export interface DueWebhookRow {
  id: number;
  payload: string;
  attempts: number;
}

/** Webhook rows due for delivery, oldest due first. */
export function dueWebhooks(db: Database, now: string, limit: number): DueWebhookRow[] {
  return prepared(
    db,
    `SELECT id, payload, attempts FROM outbox WHERE state = 'pending' AND kind = 'webhook' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
  ).all(now, limit) as DueWebhookRow[];
}

/** Records an attempt: `sent` (sent_at = next), `pending` again at `next`, or `failed` for good. */
export function markWebhookAttempt(
  db: Database,
  a: { id: number; state: OutboxState; attempts: number; next: string; error: string | null },
): void {
  prepared(
    db,
    `UPDATE outbox SET state = @state, attempts = @attempts, next_attempt_at = @next, last_error = @error,
      sent_at = CASE WHEN @state = 'sent' THEN @next ELSE sent_at END WHERE id = @id`,
  ).run(a);
}

/** Per-state counts of webhook deliveries (of one event type, when given). */
export function webhookStateCounts(db: Database, type: string | null): Array<{ state: string; n: number }> {
  return prepared(
    db,
    `SELECT state, COUNT(*) AS n FROM outbox WHERE kind = 'webhook' AND (@type IS NULL OR json_extract(payload, '$.type') = @type) GROUP BY state`,
  ).all({ type }) as Array<{ state: string; n: number }>;
}

/** One webhook row's state and event type, or null when there is no such webhook row. */
export function webhookRowState(db: Database, id: number): { state: string; type: string } | null {
  return (
    (prepared(
      db,
      `SELECT state, json_extract(payload, '$.type') AS type FROM outbox WHERE id = ? AND kind = 'webhook'`,
    ).get(id) as { state: string; type: string } | undefined) ?? null
  );
}

/** Staff replay: puts a webhook row (sent or failed) back to pending, due now, with a fresh attempt count. */
export function replayWebhook(db: Database, id: number, now: Date): boolean {
  return (
    prepared(
      db,
      `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL WHERE id = ? AND kind = 'webhook'`,
    ).run(now.toISOString(), id).changes === 1
  );
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

const deliveriesWhere = `WHERE o.kind = 'webhook' AND (@state IS NULL OR o.state = @state) AND (@type IS NULL OR json_extract(o.payload, '$.type') = @type)`;
const deliveriesSql = `SELECT o.id, o.payload, o.state, o.attempts, o.last_error AS lastError, o.created_at AS createdAt, o.sent_at AS sentAt, o.next_attempt_at AS nextAttemptAt,
      o.ticket_id AS ticketId, o.report_id AS reportId, r.ticket_id AS reportTicketId
    FROM outbox o LEFT JOIN reports r ON r.id = o.report_id
    ${deliveriesWhere} AND (@before IS NULL OR o.id < @before)
    ORDER BY o.id DESC LIMIT @limit`;

type DeliveryRow = Omit<WebhookDelivery, 'type' | 'url' | 'webhookId' | 'body'> & { payload: string };

const deliveryParams = (
  f: Omit<WebhookDeliveryFilter, 'limit'>,
  before: number | null,
  limit: number,
): Record<string, string | number | null> => ({
  state: f.state ?? null,
  type: f.type ?? null,
  before,
  limit,
});

function toDelivery({ payload, ...r }: DeliveryRow): WebhookDelivery {
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
}

/** The delivery log: webhook rows of the outbox, newest first; a number is the limit. */
export function listWebhookDeliveries(
  db: Database,
  filter: number | WebhookDeliveryFilter = 50,
): WebhookDelivery[] {
  const f = typeof filter === 'number' ? { limit: filter } : filter;
  const rows = prepared(db, deliveriesSql).all(deliveryParams(f, null, f.limit ?? 50)) as DeliveryRow[];
  return rows.map(toDelivery);
}

/**
 * The delivery log read one row at a time from the database: deliveries with an id below `before` (null: from
 * the newest), at most `limit` (null: every one).
 */
export function* iterateWebhookDeliveries(
  db: Database,
  f: Omit<WebhookDeliveryFilter, 'limit'> & { before?: number | null; limit: number | null },
): Generator<WebhookDelivery> {
  const rows = prepared(db, deliveriesSql).iterate(
    deliveryParams(f, f.before ?? null, f.limit ?? -1),
  ) as IterableIterator<DeliveryRow>;
  for (const r of rows) yield toDelivery(r);
}

/** How many deliveries the log holds with these filters. */
export function countWebhookDeliveries(db: Database, f: Omit<WebhookDeliveryFilter, 'limit'> = {}): number {
  return prepared(db, `SELECT count(*) FROM outbox o ${deliveriesWhere}`)
    .pluck()
    .get(deliveryParams(f, null, -1)) as number;
}
