import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { WebhookPayload } from '../webhooks/emit-webhook.ts';
import type { WebhookDelivery } from './webhooks-store.ts';

// Deliveries per endpoint URL: the admin endpoint page's recent log and the delivery page's endpoint filter.

export interface EndpointDelivery {
  id: number;
  type: string;
  state: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The latest deliveries to one endpoint URL, newest first. */
export function endpointDeliveries(db: Database, url: string, limit: number): EndpointDelivery[] {
  return prepared(
    db,
    `SELECT id, json_extract(payload, '$.type') AS type, state, attempts, last_error AS lastError, created_at AS createdAt, sent_at AS sentAt
     FROM outbox WHERE kind = 'webhook' AND json_extract(payload, '$.url') = ? ORDER BY id DESC LIMIT ?`,
  ).all(url, limit) as EndpointDelivery[];
}

/** Deliveries per state to one endpoint URL. */
export function endpointStateCounts(db: Database, url: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of prepared(
    db,
    `SELECT state, count(*) AS n FROM outbox WHERE kind = 'webhook' AND json_extract(payload, '$.url') = ? GROUP BY state`,
  ).all(url) as Array<{ state: string; n: number }>)
    out[r.state] = r.n;
  return out;
}

/**
 * The delivery page's rows for one endpoint URL (the store's delivery log has no URL filter): newest first, at
 * most `limit`, with the state and type filters, shaped like the log's own rows.
 */
export function endpointDeliveryLog(
  db: Database,
  f: { url: string; state?: string | undefined; type?: string | undefined; limit: number },
): WebhookDelivery[] {
  const rows = prepared(
    db,
    `SELECT o.id, o.payload, o.state, o.attempts, o.last_error AS lastError, o.created_at AS createdAt, o.sent_at AS sentAt,
       o.next_attempt_at AS nextAttemptAt, o.ticket_id AS ticketId, o.report_id AS reportId, r.ticket_id AS reportTicketId
     FROM outbox o LEFT JOIN reports r ON r.id = o.report_id
     WHERE o.kind = 'webhook' AND json_extract(o.payload, '$.url') = @url
       AND (@state IS NULL OR o.state = @state) AND (@type IS NULL OR json_extract(o.payload, '$.type') = @type)
     ORDER BY o.id DESC LIMIT @limit`,
  ).all({ url: f.url, state: f.state ?? null, type: f.type ?? null, limit: f.limit }) as Array<
    Omit<WebhookDelivery, 'type' | 'url' | 'webhookId' | 'body'> & { payload: string }
  >;
  return rows.map(({ payload, ...r }) => {
    const p = JSON.parse(payload) as WebhookPayload;
    return {
      ...r,
      type: p.type,
      url: p.url,
      webhookId: p.webhookId,
      body: { type: p.type, timestamp: p.timestamp, data: p.data },
    };
  });
}

/** The global endpoint URLs (config `webhooks.endpoints`) that deliveries were queued for, by URL. */
export function globalEndpointUrls(db: Database): string[] {
  return prepared(
    db,
    `SELECT DISTINCT json_extract(payload, '$.url') FROM outbox WHERE kind = 'webhook' AND json_extract(payload, '$.target') = 'global' ORDER BY 1`,
  )
    .pluck()
    .all() as string[];
}

/** Every endpoint URL the delivery log holds (client and global). */
export function deliveredEndpointUrls(db: Database): string[] {
  return prepared(
    db,
    `SELECT DISTINCT json_extract(payload, '$.url') FROM outbox WHERE kind = 'webhook' ORDER BY 1`,
  )
    .pluck()
    .all() as string[];
}
