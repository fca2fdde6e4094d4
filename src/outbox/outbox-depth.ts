import type { Database } from 'better-sqlite3';

export interface OutboxDepth {
  /** Rows waiting for delivery (due or backing off). */
  pending: number;
  /** Rows given up on: staff attention. */
  failed: number;
  /** Queue time of the oldest pending row (a stuck relay shows here first), or null. */
  oldestPendingAt: string | null;
}

/** Outbox gauges for /healthz and /metrics. */
export function outboxDepth(db: Database): OutboxDepth {
  const row = db
    .prepare(
      `SELECT coalesce(sum(state = 'pending'), 0) AS pending, coalesce(sum(state = 'failed'), 0) AS failed,
              min(CASE WHEN state = 'pending' THEN created_at END) AS oldestPendingAt
       FROM outbox WHERE state IN ('pending', 'failed')`,
    )
    .get() as OutboxDepth;
  return { pending: Number(row.pending), failed: Number(row.failed), oldestPendingAt: row.oldestPendingAt };
}
