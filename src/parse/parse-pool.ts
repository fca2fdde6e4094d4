import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParsedAuth, ReportAuthOptions } from '../authenticate/authenticate-parsed.ts';
import type { DnsResolver } from '../authenticate/dns-resolver.ts';
import type { HeaderMap } from '../mime/header-map.ts';
import { projectUrl } from '../runtime/project-root.ts';
import { emptyReport } from './empty-report.ts';
import type { ParseOptions } from './parse-options.ts';
import type {
  DnsReply,
  ParseThreadData,
  PooledParse,
  PortableOptions,
  StoredRawRef,
  ThreadJob,
  ThreadMessage,
  ThreadRaw,
} from './parse-thread-protocol.ts';

export type { PooledParse, StoredRawRef } from './parse-thread-protocol.ts';

/** A message for a job: its bytes, or a stored message the thread reads itself (needs `databaseFile`). */
export type PoolRaw = Buffer | StoredRawRef;

export interface ParsePoolOptions {
  /** Threads; 0 means one per core but one (at least one). */
  threads: number;
  /** A job a thread has not answered within this (plus the authentication budget for authenticate) is cut off. */
  timeoutMs: number;
  /** Old-generation heap of each thread (`resourceLimits.maxOldGenerationSizeMb`). */
  maxHeapMb: number;
  /**
   * The database file messages are stored in: with it, a stage hands the pool a stored message by id and the
   * thread reads the raw bytes itself, so the event loop never loads them.
   */
  databaseFile?: string | undefined;
  /** The threads' busy timeout on that file. */
  busyTimeoutMs?: number | undefined;
  /** Messages up to this many bytes are cheaper to read on the calling thread; undefined or 0: every message here. */
  inProcessMaxBytes?: number | undefined;
}

export interface ParsePoolStats {
  /** Jobs answered by a thread (including cut-off ones). */
  completed: number;
  /** Jobs running in a thread now. */
  running: number;
  /** Threads terminated for passing the time bound or that died (memory bound, crash) and were replaced. */
  replaced: number;
}

type JobResult = Extract<ThreadMessage, { seq: number }> | { bound: string };

interface Job {
  task: ThreadJob['task'];
  raw: ThreadRaw;
  options: PortableOptions;
  resolver: DnsResolver | undefined;
  timeoutMs: number;
  settle: (m: JobResult) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  seq: number;
}

/**
 * One shared copy of each message for the threads: posting a SharedArrayBuffer copies nothing, so a 46 MB message
 * costs the event loop one memcpy for both of its jobs instead of a structured clone per job.
 */
const sharedCopies = new WeakMap<Buffer, Uint8Array>();
function sharedCopy(raw: Buffer): Uint8Array {
  let shared = sharedCopies.get(raw);
  if (!shared) {
    shared = new Uint8Array(new SharedArrayBuffer(raw.byteLength));
    shared.set(raw);
    sharedCopies.set(raw, shared);
  }
  return shared;
}

const portable = (o: ParseOptions | ReportAuthOptions): PortableOptions => {
  const { resolver, now, providers: _providers, ...rest } = o as ParseOptions;
  return { ...rest, nowMs: now ? now().getTime() : null, dns: resolver !== undefined };
};

/**
 * The CPU-heavy part of processing a message — authenticate (DKIM body hashes, header canonicalisation),
 * classify and extract — on worker threads, so a hostile message never holds the event loop that serves SMTP
 * and HTTP. Threads start on first use and run one job each at a time; further jobs wait in arrival order.
 * A job past its time bound, or a thread that dies (its heap limit reached), gives kind `other` (authenticate:
 * no result) with a "past a parse bound" reason, and the thread is replaced.
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly size: number;
  private closed = false;
  readonly stats: ParsePoolStats = { completed: 0, running: 0, replaced: 0 };

  constructor(private readonly options: ParsePoolOptions) {
    this.size = options.threads > 0 ? options.threads : Math.max(1, availableParallelism() - 1);
  }

  /** Whether a message of `size` bytes should be read here, in a thread, rather than on the calling thread. */
  offloads(size: number): boolean {
    const limit = this.options.inProcessMaxBytes ?? 0;
    return limit <= 0 || size > limit;
  }

  get threads(): number {
    return this.size;
  }

  /** Whether jobs may name a stored message instead of carrying its bytes (the pool has the database file). */
  get readsStore(): boolean {
    return this.options.databaseFile !== undefined;
  }

  /**
   * What a stage hands the pool for the message it processes: a reference to the stored message when the threads
   * read the store, else its bytes (`bytes` is called only then).
   */
  source(message: { id: number; queueId: string }, bytes: () => Buffer): PoolRaw {
    return this.readsStore ? { messageId: message.id, queueId: message.queueId } : bytes();
  }

  /** The top-level header block of one message (what readHeaderBlock returns); throws when the thread fails. */
  async headers(raw: PoolRaw): Promise<HeaderMap> {
    const r = await this.submit('headers', raw, {}, this.options.timeoutMs);
    if ('bound' in r) throw new Error(r.bound);
    if (!r.ok) throw new Error(r.error);
    if (!('headerBlock' in r)) throw new Error('parse thread answered with the wrong result');
    return r.headerBlock;
  }

  /** classify + extract of one message (the report without authentication results), within `timeoutMs`. */
  async parse(raw: PoolRaw, options: ParseOptions, timeoutMs = this.options.timeoutMs): Promise<PooledParse> {
    const r = await this.submit('parse', raw, options, timeoutMs);
    if ('bound' in r || !r.ok) {
      const reason = 'bound' in r ? r.bound : `parse error: ${r.error}`;
      return {
        classification: { kind: 'other', reason, message: null },
        report: emptyReport('other', reason),
      };
    }
    if (!('parse' in r)) throw new Error('parse thread answered with the wrong result');
    return r.parse;
  }

  /** authenticate of one message: DNS lookups run here, with the options' resolver. */
  async authenticate(raw: PoolRaw, options: ReportAuthOptions): Promise<ParsedAuth> {
    const budget = this.options.timeoutMs + (options.resolver ? (options.authTimeoutMs ?? 5000) : 0);
    const r = await this.submit('authenticate', raw, options, budget);
    if ('bound' in r || !r.ok)
      return {
        summary: null,
        provider: null,
        note: `authentication failed: ${'bound' in r ? r.bound : r.error}`,
      };
    if (!('auth' in r)) throw new Error('parse thread answered with the wrong result');
    return r.auth;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.settle({ bound: 'parse pool closed' });
    await Promise.all(this.slots.splice(0).map((s) => this.retire(s, 'parse pool closed')));
  }

  private submit(
    task: Job['task'],
    raw: PoolRaw,
    options: ParseOptions | ReportAuthOptions,
    timeoutMs: number,
  ): Promise<JobResult> {
    if (this.closed) return Promise.resolve({ bound: 'parse pool closed' });
    return new Promise((settle) => {
      this.queue.push({
        task,
        raw: Buffer.isBuffer(raw) ? sharedCopy(raw) : raw,
        options: portable(options),
        resolver: options.resolver,
        timeoutMs,
        settle,
      });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.job);
      if (!slot) {
        const booting = this.slots.filter((s) => !s.ready).length;
        for (let n = booting; n < this.queue.length && this.slots.length < this.size; n++) this.spawn();
        return;
      }
      this.start(slot, this.queue.shift()!);
    }
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.seq++;
    this.stats.running++;
    slot.timer = setTimeout(() => {
      this.finish(slot, {
        bound: `message past a parse bound: parse thread took longer than ${job.timeoutMs} ms`,
      });
      this.replace(slot);
    }, job.timeoutMs);
    slot.worker.postMessage({
      seq: slot.seq,
      task: job.task,
      raw: job.raw,
      options: job.options,
    } satisfies ThreadJob);
  }

  private finish(slot: Slot, result: JobResult): void {
    const job = slot.job;
    if (!job) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    this.stats.running--;
    this.stats.completed++;
    job.settle(result);
  }

  private spawn(): void {
    const workerData: ParseThreadData = {
      databaseFile: this.options.databaseFile,
      busyTimeoutMs: this.options.busyTimeoutMs,
    };
    const worker = new Worker(projectUrl('src', 'parse', 'parse-thread-entry.mjs'), {
      workerData,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb },
    });
    const slot: Slot = { worker, ready: false, job: null, timer: null, seq: 0 };
    this.slots.push(slot);
    worker.on('message', (m: ThreadMessage) => {
      if ('ready' in m) {
        slot.ready = true;
        this.dispatch();
      } else if ('dns' in m) this.lookup(slot, m);
      else if ('seq' in m && m.seq === slot.seq) {
        this.finish(slot, m);
        this.dispatch();
      }
    });
    // 'exit' follows every 'error' (ERR_WORKER_OUT_OF_MEMORY when the heap limit is reached).
    let death = 'parse thread exited';
    worker.on('error', (e: Error & { code?: string }) => {
      death =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `parse thread reached its ${this.options.maxHeapMb} MB heap limit`
          : `parse thread failed: ${e.message}`;
    });
    worker.on('exit', () => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      this.finish(slot, { bound: `message past a parse bound: ${death}` });
      // A thread that dies while starting would die again: the job waiting longest gets the failure instead.
      if (!slot.ready) this.queue.shift()?.settle({ bound: `parse thread failed to start: ${death}` });
      if (!this.closed) {
        this.stats.replaced++;
        this.dispatch();
      }
    });
  }

  private lookup(slot: Slot, m: { dns: number; name: string; rrtype: string }): void {
    const resolver = slot.job?.resolver;
    const reply = (r: DnsReply): void => {
      if (this.slots.includes(slot)) slot.worker.postMessage(r);
    };
    if (!resolver) return reply({ dnsReply: m.dns, ok: false, code: 'ENOTFOUND', message: 'no resolver' });
    resolver(m.name, m.rrtype).then(
      (answer) => reply({ dnsReply: m.dns, ok: true, answer }),
      (e: Error & { code?: string }) =>
        reply({ dnsReply: m.dns, ok: false, code: e.code ?? 'ESERVFAIL', message: e.message }),
    );
  }

  /** Terminates a thread whose job passed its bound; the next dispatch starts a fresh one. */
  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    this.stats.replaced++;
    void slot.worker.terminate();
    this.dispatch();
  }

  private async retire(slot: Slot, reason: string): Promise<void> {
    this.finish(slot, { bound: reason });
    await slot.worker.terminate();
  }
}
