import type { Database } from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import {
  countQuarantined,
  countQueued,
  markIngestAcknowledge,
  noSmtpEnvelope,
  queuedMessages,
  SqliteMessageStore,
} from '../store/messages-store.ts';
import { reportKindCounts } from '../store/reports-store.ts';
import type { Logger } from '../log/logger.ts';
import { Processor } from '../worker/processor.ts';
import { services } from '../service/services.ts';
import { backfillAcknowledger } from '../actions/backfill-acknowledger.ts';
import {
  acquireDataDirLock,
  DataDirLockedError,
  type DataDirLock,
  type LockOwner,
} from '../db/data-dir-lock.ts';
import { listInputFiles, messagesInFile } from './read-messages.ts';

export interface IngestSummary {
  files: number;
  /** Files in named directories that do not start like a message. */
  skipped: string[];
  messages: number;
  stored: number;
  duplicates: number;
  unreadable: Array<{ file: string; error: string }>;
  byKind: Record<string, number>;
  quarantined: number;
  /** Who ran the pipeline: this command, or the `serve` that holds the data dir (pid). */
  processedBy: { command: 'ingest' | 'serve'; pid: number };
  ms: number;
}

export interface IngestOptions {
  config: Config;
  logger: Logger;
  /** Acknowledge human reporters of backfilled mail (default false: old reporters are not written to). */
  acknowledge?: boolean;
  onProgress?: (done: number, total: number, note: string) => void;
  /** Called once when the stored messages are left to a running serve, before waiting for it. */
  onHandOver?: (serve: LockOwner, messages: number) => void;
  /** How often to look at the queue while a running serve processes the messages (default 200 ms). */
  waitPollMs?: number;
}

/** Another ingest holds the data dir: this one neither processes nor hands over. */
export class IngestBusyError extends Error {
  constructor(readonly owner: LockOwner | null) {
    super(
      `another ingest is processing this store${owner ? ` (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt})` : ''}: try again when it has finished`,
    );
    this.name = 'IngestBusyError';
  }
}

/**
 * `abusedesk ingest`: stores files (single messages, directories, mbox files) in the intake log with
 * source `ingest`, then runs the whole pipeline over them, exactly as for mail received over SMTP.
 * Already stored messages (same bytes) are not stored or processed again. Exactly one process processes a
 * store: without a running `serve`, ingest takes the data dir's lock and runs the pipeline itself; beside a
 * running `serve` it only stores, and waits until serve's worker has processed every one of its messages
 * (if that serve stops meanwhile, ingest takes the lock and processes what is left).
 */
export async function ingestFiles(db: Database, paths: string[], o: IngestOptions): Promise<IngestSummary> {
  const held: { lock: DataDirLock | null } = { lock: null };
  let serve: LockOwner | null = null;
  try {
    held.lock = acquireDataDirLock(o.config.dataDir, 'ingest');
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e;
    if (e.owner?.command !== 'serve') throw new IngestBusyError(e.owner);
    serve = e.owner;
  }
  try {
    return await ingestWith(db, paths, o, serve, held);
  } finally {
    held.lock?.release();
  }
}

async function ingestWith(
  db: Database,
  paths: string[],
  o: IngestOptions,
  serve: LockOwner | null,
  held: { lock: DataDirLock | null },
): Promise<IngestSummary> {
  const t0 = Date.now();
  const store = new SqliteMessageStore(db);
  const { files, skipped } = listInputFiles(paths);
  const summary: IngestSummary = {
    files: files.length,
    skipped,
    messages: 0,
    stored: 0,
    duplicates: 0,
    unreadable: [],
    byKind: {},
    quarantined: 0,
    processedBy: { command: serve ? 'serve' : 'ingest', pid: serve?.pid ?? process.pid },
    ms: 0,
  };
  const ids: number[] = [];
  // Beside a running serve, `--acknowledge` is a mark committed with the message itself: serve's worker
  // may process the message as soon as it is stored.
  const storeOne = db.transaction((raw: Buffer) => {
    const r = store.storeNow({
      raw,
      ...noSmtpEnvelope(),
      receivedAt: new Date(),
      source: 'ingest',
    });
    if (!r.duplicate && serve && o.acknowledge) markIngestAcknowledge(db, [r.id]);
    return r;
  });
  files.forEach((file, i) => {
    try {
      for (const m of messagesInFile(file)) {
        summary.messages++;
        const r = storeOne(m.raw);
        if (r.duplicate) summary.duplicates++;
        else {
          summary.stored++;
          ids.push(r.id);
        }
      }
    } catch (e) {
      summary.unreadable.push({ file, error: (e as Error).message });
    }
    o.onProgress?.(i + 1, files.length * 2, `stored ${summary.stored}`);
  });
  let remaining = ids;
  if (serve) {
    if (ids.length) o.onHandOver?.(serve, ids.length);
    remaining = await waitForServe(db, ids, o, files.length, held);
    summary.quarantined += countQuarantined(db, ids);
  }
  if (remaining.length) await processOwn(db, remaining, o, summary, files.length);
  if (ids.length) summary.byKind = reportKindCounts(db, ids);
  summary.ms = Date.now() - t0;
  return summary;
}

/**
 * Waits until a running serve has processed every one of `ids` (done or quarantined), showing progress.
 * Returns the ids left queued when that serve stopped before finishing (this process then holds the lock
 * and processes them itself), else none.
 */
async function waitForServe(
  db: Database,
  ids: number[],
  o: IngestOptions,
  files: number,
  held: { lock: DataDirLock | null },
): Promise<number[]> {
  const pollMs = o.waitPollMs ?? 200;
  for (;;) {
    const queued = countQueued(db, ids);
    const processed = ids.length - queued;
    o.onProgress?.(
      files + Math.round((processed / Math.max(1, ids.length)) * files),
      files * 2,
      `serve processed ${processed}/${ids.length}`,
    );
    if (queued === 0) return [];
    await new Promise((r) => setTimeout(r, pollMs));
    try {
      // serve is gone: this process is the only processor now, and keeps the lock until it is done.
      held.lock = acquireDataDirLock(o.config.dataDir, 'ingest');
      return queuedMessages(db, ids).map((m) => m.id);
    } catch (e) {
      if (!(e instanceof DataDirLockedError)) throw e;
    }
  }
}

async function processOwn(
  db: Database,
  ids: number[],
  o: IngestOptions,
  summary: IngestSummary,
  files: number,
): Promise<void> {
  summary.processedBy = { command: 'ingest', pid: process.pid };
  const processor = new Processor({
    db,
    stages: services(o.config, db).stages({
      acknowledge: o.acknowledge ? undefined : backfillAcknowledger,
    }),
    logger: o.logger,
    ...o.config.worker,
    // one attempt now; a failure stays quarantined and visible (messages retry), never lost
    maxAttempts: 1,
  });
  let processed = 0;
  for (let i = 0; i < ids.length; i += 256) {
    const chunk = ids.slice(i, i + 256);
    const results = await processor.processBatch(queuedMessages(db, chunk));
    processed += results.length;
    summary.quarantined += results.filter((r) => r.state === 'quarantined').length;
    o.onProgress?.(
      files + Math.round((processed / ids.length) * files),
      files * 2,
      `processed ${processed}/${ids.length}`,
    );
  }
}
