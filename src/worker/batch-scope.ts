import type { StageContext } from './stage.ts';

/**
 * What the messages of one batch share while their stages commit: each other's context, reads made once for
 * all of them, and writes gathered for all of them. A lookup every message would make on its own (the send log by
 * the originals' Message-IDs, the trap list) is one statement for the batch instead of one each — on PostgreSQL, a
 * round trip each. A scope lives for one attempt at writing the batch, inside its transaction: a batch written
 * again starts a new one.
 */
export class BatchScope {
  private readonly loaded = new Map<string, unknown>();
  private readonly endings: Array<() => void> = [];
  /** The batch's messages that are being committed, in order. */
  messages: readonly StageContext[] = [];

  /**
   * `isolated`: each message is written in a savepoint of its own, so that one failing is undone alone; a write
   * gathered for the batch could not be undone with its message, so a stage writes at once then.
   */
  constructor(readonly isolated = false) {}

  /** `load`'s value for this batch: loaded on first use, then the same for every message. */
  once<T>(key: string, load: (messages: readonly StageContext[]) => T): T {
    if (!this.loaded.has(key)) this.loaded.set(key, load(this.messages));
    return this.loaded.get(key) as T;
  }

  /** Runs `write` once every message of the batch has committed, inside the batch's transaction. */
  atEnd(write: () => void): void {
    this.endings.push(write);
  }

  /** The gathered writes, in the order they were asked for (the worker calls this once, after the messages). */
  end(): void {
    for (const write of this.endings.splice(0)) write();
  }
}
