import type { Database } from 'better-sqlite3';
import { clientWebhookSecret } from '../store/clients-store.ts';
import { claimOutboxRow } from '../store/outbox-store.ts';
import { dueWebhooks, markWebhookAttempt, type DueWebhookRow } from '../store/webhooks-store.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { retryDelay } from '../outbox/retry-delay.ts';
import { PollingWorker } from '../jobs/polling-loop.ts';
import type { WebhookEndpoint, WebhookPayload } from './emit-webhook.ts';
import { signWebhook } from './sign-webhook.ts';

export interface WebhookSenderOptions {
  db: Database;
  /** The global endpoints (config `webhooks.endpoints`): their secrets sign their deliveries. */
  endpoints: readonly WebhookEndpoint[];
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
  /** Rounds of the background loop run only while this returns true (the node holds the job's lease). */
  runWhen?: () => boolean;
}

type Row = DueWebhookRow;

/**
 * Delivers outbox rows of kind 'webhook': POSTs the signed JSON body; 2xx = `sent`, anything else (status,
 * timeout, network error) = retry with capped exponential backoff, `failed` after maxAttempts (kept for
 * replay). Same lease/claim scheme as OutboxSender: state lives in the database, so a restart resumes and
 * at-least-once delivery holds (receivers dedupe on `webhook-id`).
 */
export class WebhookSender extends PollingWorker {
  private readonly now: () => Date;
  constructor(private readonly options: WebhookSenderOptions) {
    super(
      options.pollMs,
      (e) => logEvent(options.logger, 'error', 'webhook.crashed', { err: (e as Error).stack ?? String(e) }),
      options.runWhen,
    );
    this.now = options.now ?? (() => new Date());
  }

  /** Delivers every row due now, up to one batch; returns how many it took. */
  override async drainOnce(): Promise<number> {
    const rows = dueWebhooks(this.options.db, this.now().toISOString(), this.options.batchSize ?? 32);
    for (const row of rows) {
      if (this.stopRequested) break;
      await this.deliver(row);
    }
    return rows.length;
  }

  private secretFor(p: WebhookPayload): string | null {
    if (p.target === 'global') return this.options.endpoints.find((e) => e.url === p.url)?.secret ?? null;
    return p.clientId === null ? null : clientWebhookSecret(this.options.db, p.clientId);
  }

  private async deliver(row: Row): Promise<'sent' | 'retry' | 'failed' | 'skipped'> {
    const { logger, maxAttempts, retryBaseMs, retryMaxMs } = this.options;
    const now = this.now();
    const lease = new Date(now.getTime() + (this.options.leaseMs ?? 5 * 60_000)).toISOString();
    if (!claimOutboxRow(this.options.db, row.id, now.toISOString(), lease)) return 'skipped';
    const attempts = row.attempts + 1;
    let error: string;
    let url = '';
    try {
      const p = JSON.parse(row.payload) as WebhookPayload;
      url = p.url;
      const secret = this.secretFor(p);
      if (!secret) throw new Error(`no secret configured for ${p.target} endpoint ${p.url}`);
      const body = JSON.stringify({ type: p.type, timestamp: p.timestamp, data: p.data });
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'abusedesk-webhooks',
        ...signWebhook(secret, p.webhookId, Math.floor(now.getTime() / 1000), body),
      };
      const res = await fetch(p.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        redirect: 'manual',
      });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) {
        markWebhookAttempt(this.options.db, {
          id: row.id,
          state: 'sent',
          attempts,
          next: this.now().toISOString(),
          error: null,
        });
        logEvent(logger, 'info', 'webhook.sent', {
          id: row.id,
          type: p.type,
          url: p.url,
          status: res.status,
          attempts,
        });
        return 'sent';
      }
      error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    if (attempts >= maxAttempts) {
      markWebhookAttempt(this.options.db, {
        id: row.id,
        state: 'failed',
        attempts,
        next: now.toISOString(),
        error,
      });
      logEvent(logger, 'error', 'webhook.failed', { id: row.id, url, attempts, err: error });
      return 'failed';
    }
    const next = new Date(this.now().getTime() + retryDelay(attempts, retryBaseMs, retryMaxMs)).toISOString();
    markWebhookAttempt(this.options.db, { id: row.id, state: 'pending', attempts, next, error });
    logEvent(logger, 'warn', 'webhook.retry', { id: row.id, url, attempts, next, err: error });
    return 'retry';
  }
}
