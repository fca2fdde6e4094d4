/**
 * What serve needs of its pipeline, wherever it runs: the Processor on serve's own event loop, or a
 * PipelineProcess driving one in a child process.
 */
export interface PipelineRunner {
  /** Starts taking due messages. */
  start(): void;
  /** New work was committed (a stored message, a requeue): look now instead of at the next poll. */
  notify(): void;
  /** Finishes the batch in hand and stops; resolves when the pipeline has stopped. */
  stop(): Promise<void>;
  /** Rounds in a row that failed, and the last error (the /healthz worker check). */
  readonly failures: { consecutive: number; lastError: string | null };
}
