import type { Database } from 'better-sqlite3';
import { PollingWorker } from '../jobs/polling-loop.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { changesAwaitingWebhook, markChangeWebhookQueued } from '../store/suppression-changes-store.ts';
import { expireSuppressions } from '../store/suppressions-store.ts';
import { emitWebhook, type WebhookEndpoint } from '../webhooks/emit-webhook.ts';
import { suppressionWebhookOf } from './suppression-webhook-data.ts';

const BATCH = 500;

/**
 * Queues the webhook event of every change-log entry that has none yet, each in the transaction that marks it:
 * one event per change whichever path made it (staff UI, CLI, API, import, one-click unsubscribe, expiry,
 * erasure). The pipeline's own additions are announced with the report's events and marked there.
 */
export function relaySuppressionChanges(
  db: Database,
  o: { endpoints: readonly WebhookEndpoint[]; now: Date; limit?: number },
): number {
  return db.transaction(() => {
    const changes = changesAwaitingWebhook(db, o.limit ?? BATCH);
    for (const c of changes) {
      const e = suppressionWebhookOf(c);
      emitWebhook(db, e.type, e.data, {
        endpoints: o.endpoints,
        clientId: c.clientId,
        now: o.now,
        key: `suppression-change:${c.id}`,
      });
      markChangeWebhookQueued(db, c.id);
    }
    return changes.length;
  })();
}

/**
 * The suppression background job: removes expired suppressions (each an 'expired' change) every `expiryIntervalMs`
 * and turns change-log entries into webhook events every `pollMs` (or at once when notified).
 */
export class SuppressionRelay extends PollingWorker {
  private lastExpiry = 0;
  constructor(
    private readonly options: {
      db: Database;
      logger: Logger;
      now: () => Date;
      endpoints: readonly WebhookEndpoint[];
      pollMs: number;
      expiryIntervalMs: number;
      /** Called when webhook events were queued (wakes the webhook sender). */
      onQueued?: () => void;
      /** Rounds of the background loop run only while this returns true (the node holds the job's lease). */
      runWhen?: () => boolean;
    },
  ) {
    super(
      options.pollMs,
      (e) =>
        logEvent(options.logger, 'error', 'suppressions.relay_failed', {
          err: (e as Error).stack ?? String(e),
        }),
      options.runWhen,
    );
  }

  override drainOnce(): Promise<number> {
    const { db, logger } = this.options;
    const now = this.options.now();
    let expired = 0;
    if (now.getTime() - this.lastExpiry >= this.options.expiryIntervalMs) {
      for (let n = BATCH; n === BATCH;) {
        n = expireSuppressions(db, now, BATCH);
        expired += n;
      }
      this.lastExpiry = now.getTime();
      if (expired > 0) logEvent(logger, 'info', 'suppressions.expired', { removed: expired });
    }
    const relayed = relaySuppressionChanges(db, { endpoints: this.options.endpoints, now });
    if (relayed > 0) this.options.onQueued?.();
    return Promise.resolve(relayed);
  }

  /** Runs the expiry at the next round whatever the interval (tests, the CLI). */
  expireNow(): void {
    this.lastExpiry = 0;
    this.notify();
  }
}
