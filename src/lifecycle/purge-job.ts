import type { Database } from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import { PollingWorker } from '../jobs/polling-loop.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { purgeBatch, type RetentionType } from '../store/retention-store.ts';
import { retentionPlan, type RetentionStep } from './retention-plan.ts';

/**
 * serve's scheduled purge: every `retention.purgeIntervalMs` (the first round at start) it removes what is past
 * its retention, one batch per round of the polling loop, which yields to the event loop between rounds, so
 * SMTP intake and the worker keep going during a long purge.
 */
export class PurgeJob extends PollingWorker {
  private lastStart = Number.NEGATIVE_INFINITY;
  private cycle: {
    steps: RetentionStep[];
    at: Date;
    removed: Partial<Record<RetentionType, number>>;
    /** Where the current step's batches have got to (raw messages are taken in id order). */
    position: { after: number };
  } | null = null;

  constructor(
    private readonly options: {
      db: Database;
      retention: Config['retention'];
      logger: Logger;
      now: () => Date;
      intervalMs: number;
      /** Rounds of the background loop run only while this returns true (the node holds the job's lease). */
      runWhen?: () => boolean;
    },
  ) {
    super(
      options.intervalMs,
      (e) => logEvent(options.logger, 'error', 'retention.failed', { err: (e as Error).stack ?? String(e) }),
      options.runWhen,
    );
  }

  override drainOnce(): Promise<number> {
    const { db, retention, logger } = this.options;
    if (!this.cycle) {
      const now = this.options.now();
      if (now.getTime() - this.lastStart < this.options.intervalMs) return Promise.resolve(0);
      this.lastStart = now.getTime();
      this.cycle = { steps: retentionPlan(retention, now), at: now, removed: {}, position: { after: 0 } };
    }
    const c = this.cycle;
    const step = c.steps[0];
    if (!step) {
      this.cycle = null;
      const removed = Object.values(c.removed).reduce((a, b) => a + b, 0);
      logEvent(logger, removed > 0 ? 'info' : 'debug', 'retention.purged', {
        trigger: 'schedule',
        removed: c.removed,
      });
      return Promise.resolve(0);
    }
    const n = purgeBatch(db, step.type, {
      ...step,
      now: c.at,
      limit: retention.batchSize,
      position: c.position,
    });
    if (n > 0) c.removed[step.type] = (c.removed[step.type] ?? 0) + n;
    if (n < retention.batchSize) {
      c.steps.shift();
      c.position = { after: 0 };
    }
    // Non-zero keeps the loop going (after a yield) until the cycle is done.
    return Promise.resolve(Math.max(n, 1));
  }
}
