import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { clientWebhookUrl } from '../store/clients-store.ts';
import { queueWebhook } from '../store/webhooks-store.ts';

export const webhookEventTypes = [
  'report.received',
  'suppression.created',
  'suppression.removed',
  'ticket.created',
  'ticket.updated',
  'client.status_changed',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export interface WebhookEndpoint {
  url: string;
  secret: string;
}

/** What an outbox row of kind 'webhook' holds. The secret is looked up at send time (rotation applies to retries and replays). */
export interface WebhookPayload {
  url: string;
  /** 'client' (secret from clients.webhook_secret) or 'global' (secret from config webhooks.endpoints). */
  target: 'client' | 'global';
  clientId: number | null;
  webhookId: string;
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface EmitWebhookOptions {
  /** The global endpoints (config `webhooks.endpoints`): every event goes to each of them. */
  endpoints: readonly WebhookEndpoint[];
  clientId: number | null;
  now: Date;
  /** Identity of the event (e.g. `report:12`): emitting the same event again queues nothing. */
  key: string;
  reportId?: number | null;
  ticketId?: string | null;
}

/**
 * Queues one event for the client's endpoint (when it has one) and every global endpoint, as outbox rows of
 * kind 'webhook'. Synchronous and transaction-neutral: call it inside the caller's transaction so the event
 * is queued if and only if the change it describes commits. Returns the outbox ids created.
 */
export function emitWebhook(
  db: Database,
  event: WebhookEventType,
  data: Record<string, unknown>,
  options: EmitWebhookOptions,
): number[] {
  const targets: Array<{ url: string; target: 'client' | 'global' }> = [];
  if (options.clientId !== null) {
    const url = clientWebhookUrl(db, options.clientId);
    if (url) targets.push({ url, target: 'client' });
  }
  for (const e of options.endpoints) targets.push({ url: e.url, target: 'global' });
  const at = options.now.toISOString();
  const ids: number[] = [];
  for (const t of targets) {
    const dedupeKey = `webhook:${event}:${options.key}:${t.target}:${t.url}`;
    const webhookId = `msg_${randomUUID()}`; // stable across retries and replays: receivers dedupe on it
    const payload: WebhookPayload = {
      url: t.url,
      target: t.target,
      clientId: options.clientId,
      webhookId,
      type: event,
      timestamp: at,
      data,
    };
    const id = queueWebhook(db, {
      dedupeKey,
      payload: JSON.stringify(payload),
      at,
      ticketId: options.ticketId ?? null,
      reportId: options.reportId ?? null,
    });
    if (id !== null) ids.push(id);
  }
  return ids;
}
