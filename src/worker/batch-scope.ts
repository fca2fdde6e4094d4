import type { StageContext } from './stage.ts';

/**
 * What the messages of one batch share while their stages commit: each other's context, and reads made once for
 * all of them. A lookup every message would make on its own (the send log by the originals' Message-IDs, the trap
 * list) is one statement for the batch instead of one each — on PostgreSQL, a round trip each. A scope lives for
 * one attempt at writing the batch, inside its transaction: a batch written again starts a new one.
 */
export class BatchScope {
  private readonly loaded = new Map<string, unknown>();
  /** The batch's messages that are being committed, in order. */
  messages: readonly StageContext[] = [];

  /** `load`'s value for this batch: loaded on first use, then the same for every message. */
  once<T>(key: string, load: (messages: readonly StageContext[]) => T): T {
    if (!this.loaded.has(key)) this.loaded.set(key, load(this.messages));
    return this.loaded.get(key) as T;
  }
}
