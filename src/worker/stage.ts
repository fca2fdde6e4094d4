import type { Database } from 'better-sqlite3';
import type { StoredMessage } from './stored-message.ts';
import type { Logger } from '../log/logger.ts';

/** What every stage gets: the stored message, its raw bytes, the database and a clock (no globals). */
export interface StageContext {
  message: StoredMessage;
  raw: Buffer;
  db: Database;
  now: () => Date;
  /** Results of earlier stages, by stage name. */
  results: Record<string, unknown>;
}

/** A stage's decision, kept in the message's stage trail and shown to staff. */
export interface StageOutcome {
  outcome: string;
  reason: string;
  data?: unknown;
  /**
   * A step that runs several named stages at once (parse = authenticate + classify + extract)
   * reports each of them here; they replace the step's own entry in the trail.
   */
  trail?: Array<{ stage: string; outcome: string; reason: string }>;
}

/**
 * One pipeline stage; its `name` is the same in code, database, logs and UI.
 * `run` does the thinking (may be async: DNS) and must not write; `commit` does the writing,
 * synchronously, inside the transaction the worker opens for a whole batch of messages — so a batch
 * costs one fsync, and a message's effects are all-or-nothing. A stage has either or both;
 * when it has both, `commit`'s outcome is the one recorded.
 */
export interface Stage {
  name: string;
  run?(ctx: StageContext): Promise<StageOutcome> | StageOutcome;
  commit?(ctx: StageContext): StageOutcome;
  /**
   * Once per batch, after every message's commit, inside the batch transaction (in its own savepoint): work
   * that aggregates over the batch, such as re-assessing each client the batch touched once instead of once
   * per report. A throw is logged and undone; it never fails the batch's messages (the work can be redone).
   */
  finishBatch?(ctx: BatchContext): void;
}

export interface BatchContext {
  db: Database;
  now: Date;
  logger: Logger;
}

export interface StageRecord extends StageOutcome {
  stage: string;
  ms: number;
}
