/** The pipeline's phases, in the order a batch goes through them (the metric's `phase` label). */
export const batchPhases = ['claim', 'think', 'wait', 'commit'] as const;
export type BatchPhase = (typeof batchPhases)[number];

/**
 * Where one batch's time went, in the pipeline's four phases, so an operator can tell a pipeline that waits for
 * the database from one that is busy thinking or writing (`abusedesk_pipeline_seconds_total` on /metrics):
 * - `claim`: taking the batch (its own short transaction, the wait for the write lock included); 0 for a batch
 *   handed to the processor already chosen (ingest);
 * - `think`: reading the batch's bytes and the stages' `run` steps (parse, authenticate, classify, extract);
 * - `wait`: waiting to write — for the write lock on SQLite (intake's writer holds it while it flushes), for the
 *   other nodes' batch commits on PostgreSQL;
 * - `commit`: the stages' `commit` steps, the state changes and the durable COMMIT.
 */
export interface BatchTimings {
  /** Messages in the batch. */
  messages: number;
  /** Milliseconds per phase. */
  ms: Record<BatchPhase, number>;
}

/** A value for every phase. */
export const byPhase = (f: (phase: BatchPhase) => number): Record<BatchPhase, number> =>
  Object.fromEntries(batchPhases.map((p) => [p, f(p)])) as Record<BatchPhase, number>;
