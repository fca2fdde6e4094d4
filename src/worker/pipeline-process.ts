import { fork, type ChildProcess } from 'node:child_process';
import type { Database } from 'better-sqlite3';
import { pino } from 'pino';
import type { Config } from '../config/config-schema.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { projectPath } from '../runtime/project-root.ts';
import { releaseClaims, type StoredMessage } from '../store/messages-store.ts';
import type { ChildMessage, ParentMessage } from './pipeline-process-protocol.ts';
import type { PipelineRunner } from './pipeline-runner.ts';
import type { ProcessorOptions } from './processor.ts';

export interface PipelineProcessOptions {
  config: Config;
  /** serve's connection: the claims of a child that died are released through it before the next starts. */
  db: Database;
  logger: Logger;
  /** This node's id: the child claims messages in its name. */
  node: string;
  /** A batch committed in the child, and where its time went. */
  onBatch?: ProcessorOptions['onBatch'];
  /** A message's outcome in the child: only its id and state cross the process boundary. */
  onProcessed?: ProcessorOptions['onProcessed'];
  /** How long stop() waits for the batch in hand before it kills the child (default 60 s). */
  stopTimeoutMs?: number;
}

/** Restart delay after the first unexpected exit, doubling with each exit in a row up to the cap. */
const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 30_000;

/** Where a pino logger writes (serve's stderr, or a test's memory sink). */
const streamOf = (logger: Logger): NodeJS.WritableStream | undefined =>
  (logger as unknown as Record<symbol, NodeJS.WritableStream | undefined>)[pino.symbols.streamSym];

/**
 * serve's pipeline in a child process (worker.process): the Processor runs there with its own event loop,
 * database connection and parse pool (src/service/pipeline-process-main.ts), so SMTP sessions and HTTP requests
 * never wait for a batch, and on PostgreSQL the child's libpq connection lives on the child's main thread. The
 * child wakes on `notify`, reports its batches, outcomes and failures, and its log lines go where serve's do.
 * A child that dies is replaced, with exponential backoff while it keeps dying; its claims are this node's, so
 * they are released for the next child. State lives in the database: nothing is lost either way.
 */
export class PipelineProcess implements PipelineRunner {
  private child: ChildProcess | null = null;
  /** The child listens (it said hello): messages sent before could be lost. */
  private greeted = false;
  private ready = false;
  private active = false;
  private notifyOnReady = false;
  private notifyQueued = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopped: Promise<void> | null = null;
  /** What the running child last reported. */
  private reported: { consecutive: number; lastError: string | null } = { consecutive: 0, lastError: null };
  /** Unexpected exits since a child last finished a round. */
  private exits = 0;
  private lastExit: string | null = null;
  /** The error the current child reported before exiting. */
  private childError: string | null = null;
  private spawned = 0;

  constructor(private readonly options: PipelineProcessOptions) {}

  /** Children started so far, the first included. */
  get started(): number {
    return this.spawned;
  }

  /** The running child's process id (none between a death and the restart). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get failures(): { consecutive: number; lastError: string | null } {
    if (this.exits === 0) return this.reported;
    return { consecutive: this.reported.consecutive + this.exits, lastError: this.lastExit };
  }

  start(): void {
    if (this.active || this.stopped) return;
    this.active = true;
    this.spawn();
  }

  notify(): void {
    if (!this.ready) {
      // The child's first round looks anyway, unless it already did: look again once it is ready.
      this.notifyOnReady = true;
      return;
    }
    // One message per turn of the event loop, however many stores committed in it.
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    setImmediate(() => {
      this.notifyQueued = false;
      if (this.ready) this.send({ type: 'notify' });
    });
  }

  /** Asks the child to finish its batch and exit; kills it when it has not after stopTimeoutMs. */
  stop(): Promise<void> {
    return (this.stopped ??= (async () => {
      this.active = false;
      if (this.restartTimer) clearTimeout(this.restartTimer);
      this.restartTimer = null;
      const child = this.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // A child that has not said hello yet is told to stop when it does.
      if (!child.connected) child.kill('SIGKILL');
      else if (this.greeted) this.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs ?? 60_000);
      await exited;
      clearTimeout(timer);
    })());
  }

  private send(message: ParentMessage): void {
    const child = this.child;
    // A child that just died: its exit handler deals with it.
    if (child?.connected) child.send(message, undefined, undefined, () => undefined);
  }

  private spawn(): void {
    this.spawned++;
    this.childError = null;
    this.greeted = false;
    const child = fork(projectPath('src', 'service', 'pipeline-process-entry.mjs'), [], {
      // The config crosses as a structured clone; stdout and stderr are serve's.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    child.on('message', (m: ChildMessage) => this.onMessage(child, m));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (e) => {
      // A child that could not be started at all emits no exit (sends pass a callback: they never land here).
      if (child.pid !== undefined) return;
      this.childError = e.message;
      this.onExit(child, null, null);
    });
  }

  private onMessage(child: ChildProcess, m: ChildMessage): void {
    if (child !== this.child) return;
    const { logger } = this.options;
    switch (m.type) {
      case 'hello':
        this.greeted = true;
        if (!this.active) this.send({ type: 'stop' });
        else
          this.send({
            type: 'start',
            config: this.options.config,
            node: this.options.node,
            logLevel: logger.level,
            // On stderr the child writes its lines itself (the same file); elsewhere (a test's sink) serve does.
            forwardLogs: streamOf(logger) !== process.stderr,
          });
        break;
      case 'ready':
        this.ready = true;
        logEvent(logger, 'info', 'worker.process_started', { pid: child.pid });
        if (this.notifyOnReady) {
          this.notifyOnReady = false;
          this.notify();
        }
        break;
      case 'batch':
        this.options.onBatch?.(m.timings);
        // Only what serve's metrics read crosses the boundary (each message's id, new state and report).
        for (const p of m.processed)
          this.options.onProcessed?.({ id: p.id, state: p.state } as StoredMessage, p.ms, p.report);
        break;
      case 'failures':
        this.reported = { consecutive: m.consecutive, lastError: m.lastError };
        this.exits = 0;
        break;
      case 'log':
        streamOf(logger)?.write(m.line);
        break;
      case 'error':
        this.childError = m.error;
        break;
      case 'stopped':
        break;
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = null;
    this.ready = false;
    if (!this.active) return;
    const { logger, db, node } = this.options;
    this.exits++;
    this.reported = { consecutive: 0, lastError: null };
    const restartInMs = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** (this.exits - 1));
    const how = signal ? `signal ${signal}` : `code ${code}`;
    this.lastExit = `the pipeline process exited (${how})${this.childError ? `: ${this.childError.split('\n')[0]}` : ''}`;
    // The dead child's claims are this node's: the next child takes them back at once instead of after the
    // claim timeout.
    let released = 0;
    let releaseError: string | null = null;
    try {
      released = releaseClaims(db, node);
    } catch (e) {
      releaseError = (e as Error).message;
    }
    logEvent(logger, 'error', 'worker.process_exited', {
      pid: child.pid,
      code,
      signal,
      ...(this.childError ? { err: this.childError } : {}),
      ...(releaseError ? { releaseError } : {}),
      restartInMs,
    });
    if (released > 0) logEvent(logger, 'info', 'cluster.claims_released', { node, messages: released });
    this.notifyOnReady = true;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.active) this.spawn();
    }, restartInMs);
  }
}
