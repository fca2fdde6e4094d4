import type { Config } from '../config/config-schema.ts';
import type { StoredMessage } from '../store/messages-store.ts';
import type { BatchTimings } from './batch-timings.ts';
import type { ProcessedReport } from './processor.ts';

/**
 * serve → the pipeline process (src/service/pipeline-process-main.ts). `start` answers the child's `hello`, so
 * nothing is sent before the child listens; `notify` wakes its processor; `stop` finishes the batch in hand.
 */
export type ParentMessage =
  | {
      type: 'start';
      config: Config;
      /** serve's node id: the child claims messages in its name (the default id names serve's own pid). */
      node: string;
      logLevel: string;
      /** Send log lines to serve (its logger writes somewhere other than stderr) instead of writing them. */
      forwardLogs: boolean;
    }
  | { type: 'notify' }
  | { type: 'stop' };

/** One message's outcome, as serve's metrics count it. */
export interface ProcessedMessage {
  id: number;
  state: StoredMessage['state'];
  ms: number;
  report: ProcessedReport | null;
}

/** The pipeline process → serve. */
export type ChildMessage =
  | { type: 'hello' }
  /** The database is open and the processor started. */
  | { type: 'ready' }
  /**
   * A batch committed: serve wakes the loops that send what it queued, and counts each message's outcome and
   * where the batch's time went in its metrics (with the report each became). One message a batch,
   * not one a report: each crosses to serve's event loop, which also serves SMTP.
   */
  | { type: 'batch'; processed: ProcessedMessage[]; timings: BatchTimings }
  /** After a round, when it changed: the processor's failures, for /healthz. */
  | { type: 'failures'; consecutive: number; lastError: string | null }
  /** A log line (pino JSON, newline included). */
  | { type: 'log'; line: string }
  /** The child could not start; it exits next. */
  | { type: 'error'; error: string }
  /** The child stopped after `stop`; it exits next. */
  | { type: 'stopped' };
