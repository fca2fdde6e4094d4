import type { Database } from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import { countPurgeable, purgeBatch, type RetentionType } from '../store/retention-store.ts';
import { retentionPlan } from './retention-plan.ts';

export interface PurgeTypeResult {
  type: RetentionType;
  days: number;
  cutoff: string;
  /** Rows removed (or, in a dry run, that would be). */
  removed: number;
}

export interface PurgeResult {
  dryRun: boolean;
  at: string;
  types: PurgeTypeResult[];
}

export interface PurgeOptions {
  retention: Config['retention'];
  now: Date;
  dryRun?: boolean;
  /** After each batch: the type and how many of it were removed so far (progress on a terminal). */
  onBatch?: (type: RetentionType, removedSoFar: number) => void;
}

/**
 * Lets SMTP sessions, HTTP requests and the worker run between two batches. Intake commits on its own connection
 * (a writer thread) that waits for the lock in SQLite's busy handler, which retries after growing sleeps: a bare
 * turn of the event loop would let the next batch take the lock again first. Pausing at least as long as the batch
 * took keeps the lock free half the time.
 */
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Removes everything past its retention, type by type, in batches of `retention.batchSize` rows, each its own
 * short transaction, pausing between batches (`retention.batchPauseMs`): intake is never held for more than one batch.
 * A dry run only counts.
 */
export async function runPurge(db: Database, o: PurgeOptions): Promise<PurgeResult> {
  const plan = retentionPlan(o.retention, o.now);
  const types: PurgeTypeResult[] = [];
  for (const step of plan) {
    if (o.dryRun) {
      types.push({ ...step, removed: countPurgeable(db, step.type, step.cutoff) });
      continue;
    }
    let removed = 0;
    const position = { after: 0 };
    for (;;) {
      const started = performance.now();
      const n = purgeBatch(db, step.type, { ...step, now: o.now, limit: o.retention.batchSize, position });
      removed += n;
      if (n > 0) o.onBatch?.(step.type, removed);
      if (n < o.retention.batchSize) break;
      await pause(Math.max(o.retention.batchPauseMs, performance.now() - started));
    }
    types.push({ ...step, removed });
  }
  return { dryRun: o.dryRun === true, at: o.now.toISOString(), types };
}
