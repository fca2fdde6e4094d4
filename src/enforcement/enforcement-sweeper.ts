import type { Database } from 'better-sqlite3';
import { logEvent, type Logger } from '../log/logger.ts';
import { PollingWorker } from '../jobs/polling-loop.ts';
import {
  enforceAllClients,
  enforceClient,
  type EnforcementContext,
  type EnforcementOutcome,
} from './enforce-client.ts';

/**
 * Re-assesses clients in the background:
 * - every client every `intervalMs` (windows slide and hysteresis releases with time alone; the first round runs
 *   at start, so a policy change in config applies at once);
 * - a client `touch`ed by a signal that arrived outside the worker (one-click unsubscribe), at once but once per
 *   round however many arrived: a burst of clicks costs one assessment, not one per click.
 */
export class EnforcementSweeper extends PollingWorker {
  private lastRun = 0;
  private readonly pending = new Set<number>();
  constructor(
    private readonly options: {
      db: Database;
      ctx: EnforcementContext;
      logger: Logger;
      intervalMs: number;
      now: () => Date;
      onChanged?: () => void;
      /** Rounds of the background loop run only while this returns true (the node holds the job's lease). */
      runWhen?: () => boolean;
    },
  ) {
    super(
      options.intervalMs,
      (e) =>
        logEvent(options.logger, 'error', 'enforcement.failed', { err: (e as Error).stack ?? String(e) }),
      options.runWhen,
    );
  }

  /** Asks for this client to be re-assessed soon (its signals changed). */
  touch(clientId: number): void {
    this.pending.add(clientId);
    this.notify();
  }

  override drainOnce(): Promise<number> {
    const { db, ctx, logger } = this.options;
    const now = this.options.now();
    let outcomes: EnforcementOutcome[] = [];
    if (now.getTime() - this.lastRun >= this.options.intervalMs) {
      this.lastRun = now.getTime();
      this.pending.clear();
      outcomes = enforceAllClients(db, ctx, now);
      logEvent(logger, 'debug', 'enforcement.swept', {
        clients: outcomes.length,
        changes: outcomes.filter((o) => o.change).length,
      });
    } else if (this.pending.size > 0) {
      const ids = [...this.pending];
      this.pending.clear();
      outcomes = ids.map((id) => db.transaction(() => enforceClient(db, id, ctx, now))());
    }
    const changes = outcomes.filter((o) => o.change);
    for (const o of changes)
      logEvent(logger, 'info', 'enforcement.changed', {
        client: o.facts.client,
        from: o.change!.from,
        to: o.change!.to,
        mode: o.change!.mode,
      });
    if (changes.length) this.options.onChanged?.();
    return Promise.resolve(0);
  }
}
