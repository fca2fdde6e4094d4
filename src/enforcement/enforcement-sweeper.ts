import type { Database } from 'better-sqlite3';
import { logEvent, type Logger } from '../log/logger.ts';
import { PollingWorker } from '../worker/polling-loop.ts';
import { enforceAllClients, type EnforcementContext } from './enforce-client.ts';

/**
 * Re-assesses every client every `intervalMs`: windows slide and hysteresis releases with time alone, not only
 * when a report arrives. The first round runs at start, so a policy change in config applies at once.
 */
export class EnforcementSweeper extends PollingWorker {
  private lastRun = 0;
  constructor(
    private readonly options: { db: Database; ctx: EnforcementContext; logger: Logger; intervalMs: number; now: () => Date; onSwept?: () => void },
  ) {
    super(options.intervalMs, (e) => logEvent(options.logger, 'error', 'enforcement.failed', { err: (e as Error).stack ?? String(e) }));
  }

  override drainOnce(): Promise<number> {
    const now = this.options.now();
    if (now.getTime() - this.lastRun < this.options.intervalMs) return Promise.resolve(0);
    this.lastRun = now.getTime();
    const outcomes = enforceAllClients(this.options.db, this.options.ctx, now);
    const changes = outcomes.filter((o) => o.change);
    for (const o of changes) logEvent(this.options.logger, 'info', 'enforcement.changed', { client: o.facts.client, from: o.change!.from, to: o.change!.to, mode: o.change!.mode });
    if (changes.length) this.options.onSwept?.();
    logEvent(this.options.logger, 'debug', 'enforcement.swept', { clients: outcomes.length, changes: changes.length });
    return Promise.resolve(0);
  }
}
