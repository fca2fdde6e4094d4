import { parentPort, workerData } from 'node:worker_threads';
import { openIntakeDatabase } from '../db/open-intake-database.ts';
import { isDatabaseUrl } from '../db/open-database.ts';
import { SqliteMessageStore, type IncomingMessage, type MessageStore } from '../store/messages-store.ts';
import { PgMessageStore } from '../store/pg-message-store.ts';

/**
 * The intake's writer thread: owns its own database connection and commits messages posted by the
 * SMTP thread. While one commit (with its fsync) runs, new messages queue up in the port and go
 * into the next transaction together — group commit without stalling SMTP sessions.
 */
export type StoreRequest =
  | {
      seq: number;
      /** The bytes, or null: the chunks posted under the same seq, `size` bytes in all. */
      message: Omit<IncomingMessage, 'raw' | 'receivedAt'> & { raw: Uint8Array | null; receivedAt: string };
      size?: number;
    }
  | { seq: number; chunk: Uint8Array }
  | { seq: number; abort: true };
export interface StoreThreadOptions {
  file: string;
  busyTimeoutMs: number;
  groupCommitMs: number;
  walAutocheckpointPages: number;
}
export type StoreResponse =
  | { seq: number; ok: true; id: number; queueId: string; duplicate: boolean }
  | { seq: number; ok: false; error: string };

const { file, busyTimeoutMs, groupCommitMs, walAutocheckpointPages } = workerData as StoreThreadOptions;
// PostgreSQL: an asynchronous node-postgres connection of this thread's own (libpq's synchronous binding is
// tied to the main thread's event loop).
const store: MessageStore = isDatabaseUrl(file)
  ? new PgMessageStore(file, groupCommitMs)
  : new SqliteMessageStore(
      openIntakeDatabase(file, { busyTimeoutMs, walAutocheckpointPages }),
      groupCommitMs,
    );
const port = parentPort!;

/** Chunks of messages still arriving, by seq: they are concatenated here, off the SMTP thread. */
const arriving = new Map<number, Buffer[]>();

function assemble(seq: number, size: number): Buffer {
  const chunks = arriving.get(seq) ?? [];
  arriving.delete(seq);
  const raw = Buffer.concat(chunks);
  if (raw.length !== size) throw new Error(`message bytes lost: ${raw.length} of ${size} arrived`);
  return raw;
}

port.on('message', (req: StoreRequest) => {
  if ('chunk' in req) {
    const chunks = arriving.get(req.seq) ?? [];
    if (chunks.length === 0) arriving.set(req.seq, chunks);
    chunks.push(Buffer.from(req.chunk.buffer, req.chunk.byteOffset, req.chunk.byteLength));
    return;
  }
  if ('abort' in req) {
    arriving.delete(req.seq);
    return;
  }
  const m = req.message;
  let raw: Buffer;
  try {
    raw = m.raw
      ? Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength)
      : assemble(req.seq, req.size ?? 0);
  } catch (e) {
    port.postMessage({ seq: req.seq, ok: false, error: (e as Error).message } satisfies StoreResponse);
    return;
  }
  store.store({ ...m, raw, receivedAt: new Date(m.receivedAt) }).then(
    (r) => port.postMessage({ seq: req.seq, ok: true, ...r } satisfies StoreResponse),
    (e: Error) => port.postMessage({ seq: req.seq, ok: false, error: e.message } satisfies StoreResponse),
  );
});
port.postMessage({ ready: true });
