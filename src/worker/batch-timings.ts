/**
 * Where one batch's time went, in the pipeline's four phases, so an operator can tell a pipeline that waits for
 * the database from one that is busy thinking or writing (`abusedesk_pipeline_seconds_total` on /metrics):
 * - `claim`: taking the batch (its own short transaction, the wait for the write lock included); 0 when the
 *   batch was claimed by the previous batch's commit;
 * - `think`: reading the batch's bytes and the stages' `run` steps (parse, authenticate, classify, extract);
 * - `wait`: waiting to write — for the write lock on SQLite (intake's writer holds it while it flushes), for the
 *   other nodes' batch commits on PostgreSQL;
 * - `commit`: the stages' `commit` steps, the state changes and the durable COMMIT.
 */
export interface BatchTimings {
  /** Messages in the batch. */
  messages: number;
  claimMs: number;
  thinkMs: number;
  waitMs: number;
  commitMs: number;
}

/** The phases, in the order a batch goes through them (the metric's `phase` label). */
export const batchPhases = ['claim', 'think', 'wait', 'commit'] as const;
export type BatchPhase = (typeof batchPhases)[number];

/** A batch's milliseconds in one phase. */
export const phaseMs = (t: BatchTimings, phase: BatchPhase): number => t[`${phase}Ms`];
