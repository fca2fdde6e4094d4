import { Writable } from 'node:stream';
import { openDatabase } from '../db/open-database.ts';
import { createLogger } from '../log/logger.ts';
import { Processor } from '../worker/processor.ts';
import type { ChildMessage, ParentMessage, ProcessedMessage } from '../worker/pipeline-process-protocol.ts';
import { serveParsePool, serveProcessorOptions } from './serve-processor-options.ts';

// The pipeline process of serve (see pipeline-process.ts): its own event loop, database connection and parse
// pool, so SMTP and HTTP never wait for the pipeline. It takes its orders over the IPC channel only.

const send = (message: ChildMessage, done?: () => void): void => {
  if (!process.connected) {
    done?.();
    return;
  }
  process.send!(message, undefined, undefined, () => done?.());
};

/** The processor, reporting its failures to serve after each round in which they changed. */
class ReportingProcessor extends Processor {
  private sent = '';

  override async drainOnce(): Promise<number> {
    try {
      return await super.drainOnce();
    } finally {
      // On the next turn: the polling loop counts this round's outcome first.
      setImmediate(() => this.report());
    }
  }

  private report(): void {
    const { consecutive, lastError } = this.failures;
    const key = `${consecutive}\n${lastError ?? ''}`;
    if (key === this.sent) return;
    this.sent = key;
    send({ type: 'failures', consecutive, lastError });
  }
}

interface Running {
  notify(): void;
  stop(): Promise<void>;
}

let running: Running | null = null;
let stopping = false;

function start(message: Extract<ParentMessage, { type: 'start' }>): Running {
  const { config, node } = message;
  const lines = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      send({ type: 'log', line: chunk.toString() });
      cb();
    },
  });
  const logger = createLogger(message.logLevel, message.forwardLogs ? lines : process.stderr);
  // serve migrated the database before it started this process.
  const db = openDatabase(config, { migrate: false, tempStore: 'memory' });
  const parsePool = serveParsePool(config);
  const processed: ProcessedMessage[] = [];
  const processor = new ReportingProcessor(
    serveProcessorOptions({
      config,
      db,
      logger,
      parsePool,
      node,
      // The processor reports each message of a batch, then the batch: they go to serve together, in one message.
      onProcessed: (m, ms, report) => processed.push({ id: m.id, state: m.state, ms, report }),
      onBatch: (timings) => send({ type: 'batch', processed: processed.splice(0), timings }),
    }),
  );
  processor.start();
  return {
    notify: () => processor.notify(),
    async stop() {
      await processor.stop();
      await parsePool.close();
      db.close();
    },
  };
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await running?.stop();
  send({ type: 'stopped' }, () => process.exit(0));
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') {
    if (running || stopping) return;
    try {
      running = start(message);
      send({ type: 'ready' });
    } catch (e) {
      send({ type: 'error', error: (e as Error).message ?? String(e) }, () => process.exit(1));
    }
  } else if (message.type === 'notify') running?.notify();
  else if (message.type === 'stop') void stop();
});
// serve is gone (it was killed): nothing of an unfinished batch is committed, and the messages are claimed in
// serve's name, so whoever runs next takes them back.
process.on('disconnect', () => process.exit(stopping ? 0 : 1));
// serve decides when the pipeline stops (after intake drained): a Ctrl-C or a service manager's SIGTERM reaches
// every process of the group, and this one waits for serve's `stop`.
process.on('SIGINT', () => undefined);
// An unexpected throw ends this process (serve starts another); serve logs why.
process.on('uncaughtException', (e) => {
  send({ type: 'error', error: e.stack ?? String(e) }, () => process.exit(1));
});
process.on('SIGTERM', () => undefined);
send({ type: 'hello' });
