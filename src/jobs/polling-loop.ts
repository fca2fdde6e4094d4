import { wakeableDelay } from './wakeable-delay.ts';

/**
 * A background loop that drains work from the database: runs `drainOnce` again at once while it finds
 * work (or was notified meanwhile), otherwise sleeps `pollMs` unless `notify` wakes it. A throw is
 * reported and the loop goes on: state lives in the database, so nothing is lost. With `runWhen`, a round
 * runs only while it returns true (a singleton job on the node holding its lease); otherwise the loop sleeps
 * as if it found nothing, and `notify` wakes it when the gate opens.
 */
export class PollingLoop {
  private active = false;
  private kicked = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  /** Rounds in a row that threw; 0 after a round that returned (the health check reads it). */
  consecutiveFailures = 0;
  lastError: string | null = null;

  constructor(
    private readonly drainOnce: () => Promise<number>,
    private readonly pollMs: number,
    private readonly onCrash: (e: unknown) => void,
    private readonly runWhen?: () => boolean,
  ) {}

  /** stop() was called on a started loop: a drain in progress should finish the item in hand and return. */
  get stopRequested(): boolean {
    return this.loop !== null && !this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.loop = this.run();
  }

  /** Wakes the loop now (new work was committed). */
  notify(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Stops after the work in hand; resolves when the loop has exited. */
  async stop(): Promise<void> {
    this.active = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.active) {
      let worked = 0;
      try {
        if (this.runWhen && !this.runWhen()) {
          // Not this node's turn: sleep until woken (the lease was taken) or the next poll.
          this.kicked = false;
        } else worked = await this.drainOnce();
        this.consecutiveFailures = 0;
      } catch (e) {
        this.consecutiveFailures++;
        this.lastError = (e as Error).message ?? String(e);
        this.onCrash(e);
      }
      if (!this.active) break;
      if (worked > 0 || this.kicked) {
        this.kicked = false;
        // Yield to the event loop (SMTP sessions, HTTP) between rounds.
        await new Promise((r) => setImmediate(r));
        continue;
      }
      const delay = wakeableDelay(this.pollMs);
      this.wake = delay.wake;
      await delay.done;
      this.wake = null;
    }
  }
}

/**
 * Base of the database-draining workers (message processor, outbox sender, webhook sender, enforcement
 * sweeper): one PollingLoop each, and the same start / notify / stop surface. `runWhen` gates the background
 * loop's rounds (see PollingLoop); `drain` is never gated.
 */
export abstract class PollingWorker {
  private readonly loop: PollingLoop;

  protected constructor(pollMs: number, onCrash: (e: unknown) => void, runWhen?: () => boolean) {
    this.loop = new PollingLoop(() => this.drainOnce(), pollMs, onCrash, runWhen);
  }

  /** Handles everything due now, up to one batch; returns how many items it took. */
  abstract drainOnce(): Promise<number>;

  /** Handles everything due until nothing is (tests, ingest, one-shot commands); returns how many items it took. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.drainOnce();
      total += n;
      if (n === 0) return total;
    }
  }

  /** Starts the background loop. */
  start(): void {
    this.loop.start();
  }

  /** Wakes the loop now (new work was committed). */
  notify(): void {
    this.loop.notify();
  }

  /** Whether the background loop is crash-looping: rounds in a row that threw, and the last error. */
  get failures(): { consecutive: number; lastError: string | null } {
    return { consecutive: this.loop.consecutiveFailures, lastError: this.loop.lastError };
  }

  /** Stops after the item in hand; resolves when the loop has exited. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** A drain in progress should finish the item in hand and return. */
  protected get stopRequested(): boolean {
    return this.loop.stopRequested;
  }
}
