import { parentPort, workerData } from 'node:worker_threads';
import { openIntakeDatabase } from '../db/open-intake-database.ts';
import { SqliteMessageStore, type IncomingMessage } from '../store/messages-store.ts';

/**
 * The intake's writer thread: owns its own database connection and commits messages posted by the
 * SMTP thread. While one commit (with its fsync) runs, new messages queue up in the port and go
 * into the next transaction together — group commit without stalling SMTP sessions.
 */
export interface StoreRequest {
  seq: number;
  message: Omit<IncomingMessage, 'raw' | 'receivedAt'> & { raw: Uint8Array; receivedAt: string };
}
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
const db = openIntakeDatabase(file, { busyTimeoutMs, walAutocheckpointPages });
const store = new SqliteMessageStore(db, groupCommitMs);
const port = parentPort!;

port.on('message', (req: StoreRequest) => {
  const m = req.message;
  const raw = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength);
  store.store({ ...m, raw, receivedAt: new Date(m.receivedAt) }).then(
    (r) => port.postMessage({ seq: req.seq, ok: true, ...r } satisfies StoreResponse),
    (e: Error) => port.postMessage({ seq: req.seq, ok: false, error: e.message } satisfies StoreResponse),
  );
});
port.postMessage({ ready: true });
