import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';

/** Who holds a data dir: written to `<dataDir>/abusedesk.lock` as JSON (readable with `cat`). */
export interface LockOwner {
  /** `serve` or `ingest`: the commands that process messages. */
  command: string;
  pid: number;
  host: string;
  /** ISO 8601 UTC. */
  startedAt: string;
}

export interface DataDirLock {
  owner: LockOwner;
  /** The owner named in a lock file left by a process that no longer holds the lock (crashed), if any. */
  tookOverFrom: LockOwner | null;
  release(): void;
}

/** The data dir is held by another live process; `owner` is what its lock file says (null if unreadable). */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      `the data dir ${dataDir} is in use by ${
        owner
          ? `abusedesk ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt})`
          : 'another abusedesk process'
      }: only one process may process its messages`,
    );
    this.name = 'DataDirLockedError';
  }
}

export const lockFilePath = (dataDir: string): string => join(resolve(dataDir), 'abusedesk.lock');
/** The SQLite file whose exclusive lock is the OS-level lock; the kernel drops it when the process dies. */
const lockDbPath = (dataDir: string): string => join(resolve(dataDir), 'abusedesk.lock.db');

/** What the lock file says, or null when there is none or it cannot be read. */
export function readLockOwner(dataDir: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(lockFilePath(dataDir), 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.command === 'string'
      ? { command: o.command, pid: o.pid, host: String(o.host), startedAt: String(o.startedAt) }
      : null;
  } catch {
    return null;
  }
}

const isBusy = (e: unknown): boolean => {
  const code = (e as { code?: string }).code ?? '';
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
};

/**
 * Takes the data dir for this process, or throws DataDirLockedError naming the holder. The lock is an
 * exclusive SQLite lock (POSIX advisory locks on `abusedesk.lock.db`, held by an open connection in
 * `locking_mode=EXCLUSIVE`): the operating system releases it when the process exits, even on SIGKILL, so a
 * lock file left by a dead process is simply taken over. Connections in the same process see each other's
 * locks too (SQLite tracks them per file).
 */
export function acquireDataDirLock(dataDir: string, command: string, now = new Date()): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const db: Database = new BetterSqlite3(lockDbPath(dir), { timeout: 0 });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write in EXCLUSIVE locking mode takes the exclusive lock and keeps it until close.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, started_at TEXT NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, started_at) VALUES (?, ?)').run(process.pid, now.toISOString());
    db.exec('COMMIT');
  } catch (e) {
    db.close();
    if (isBusy(e)) throw new DataDirLockedError(dir, readLockOwner(dir));
    throw e;
  }
  const previous = readLockOwner(dir);
  const owner: LockOwner = { command, pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  const file = lockFilePath(dir);
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
    renameSync(tmp, file);
  } catch (e) {
    db.close();
    throw e;
  }
  let released = false;
  return {
    owner,
    tookOverFrom: previous,
    release: () => {
      if (released) return;
      released = true;
      const current = readLockOwner(dir);
      if (current?.pid === owner.pid && current.startedAt === owner.startedAt) {
        try {
          unlinkSync(file);
        } catch {
          // already gone: nothing to remove
        }
      }
      db.close();
    },
  };
}
