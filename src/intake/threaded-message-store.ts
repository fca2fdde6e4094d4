import { Worker } from 'node:worker_threads';
import type { IncomingMessage, MessageStore, MessageWriter, StoreResult } from '../store/messages-store.ts';
import type { StoreRequest, StoreResponse, StoreThreadOptions } from './store-thread.ts';
import { projectUrl } from '../runtime/project-root.ts';

interface Waiter {
  resolve: (r: StoreResult) => void;
  reject: (e: Error) => void;
}

/**
 * MessageStore that commits on a writer thread (see store-thread.ts), so fsync and SQLite work run on
 * the second core while the SMTP thread keeps serving sessions. `store` resolves only after the
 * writer thread's transaction committed. If the thread dies, every pending store is rejected (the
 * clients get 451 and retry) and a new thread is started.
 */
export class ThreadedMessageStore implements MessageStore {
  private worker!: Worker;
  private ready!: Promise<void>;
  private seq = 0;
  private readonly waiters = new Map<number, Waiter>();
  private readonly listeners: Array<(count: number) => void> = [];
  private closing = false;

  constructor(private readonly options: StoreThreadOptions) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = new Worker(projectUrl('src', 'intake', 'store-thread-entry.mjs'), {
      workerData: this.options,
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', () => resolve());
      this.worker.once('error', reject);
    });
    this.worker.on('message', (r: StoreResponse | { ready: true }) => {
      if (!('seq' in r)) return;
      const w = this.waiters.get(r.seq);
      if (!w) return;
      this.waiters.delete(r.seq);
      if (r.ok) {
        w.resolve({ id: r.id, queueId: r.queueId, duplicate: r.duplicate });
        if (!r.duplicate) for (const l of this.listeners) l(1);
      } else w.reject(new Error(r.error));
    });
    this.worker.on('exit', () => {
      for (const w of this.waiters.values()) w.reject(new Error('store thread exited'));
      this.waiters.clear();
      if (!this.closing) this.spawn();
    });
    this.worker.on('error', () => undefined); // 'exit' follows and handles the pending stores
  }

  /** Resolves once the writer thread has opened the database. */
  async started(): Promise<void> {
    await this.ready;
  }

  onStored(listener: (count: number) => void): void {
    this.listeners.push(listener);
  }

  store(message: IncomingMessage): Promise<StoreResult> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiters.set(seq, { resolve, reject });
      const req: StoreRequest = {
        seq,
        message: { ...message, raw: message.raw, receivedAt: message.receivedAt.toISOString() },
      };
      this.worker.postMessage(req);
    });
  }

  /**
   * A message streamed to the writer thread as it arrives: each chunk is copied once into its own buffer and
   * transferred (not cloned), and the thread concatenates them, so the SMTP thread never concatenates, copies or
   * posts a whole large message in one go. If the thread is replaced meanwhile, `store` rejects (bytes lost).
   */
  open(): MessageWriter {
    const seq = ++this.seq;
    const worker = this.worker;
    return {
      write: (chunk) => {
        const copy = new Uint8Array(chunk);
        worker.postMessage({ seq, chunk: copy } satisfies StoreRequest, [copy.buffer]);
      },
      abort: () => worker.postMessage({ seq, abort: true } satisfies StoreRequest),
      store: (message, size) =>
        new Promise((resolve, reject) => {
          if (worker !== this.worker)
            return reject(new Error('store thread was replaced while the message arrived'));
          this.waiters.set(seq, { resolve, reject });
          const req: StoreRequest = {
            seq,
            message: { ...message, raw: null, receivedAt: message.receivedAt.toISOString() },
            size,
          };
          worker.postMessage(req);
        }),
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}
