import { EXIT } from './cli-error.ts';

/** What an unexpected error means for the person at the terminal: one line, and the exit code of its class. */
export interface DescribedError {
  message: string;
  exitCode: number;
}

const SYSTEM_ERRORS: Record<string, { text: string; exitCode: number }> = {
  ENOENT: { text: 'no such file or directory', exitCode: EXIT.notFound },
  EISDIR: { text: 'is a directory', exitCode: EXIT.usage },
  ENOTDIR: { text: 'not a directory', exitCode: EXIT.usage },
  EACCES: { text: 'permission denied', exitCode: EXIT.unavailable },
  EPERM: { text: 'operation not permitted', exitCode: EXIT.unavailable },
  EROFS: { text: 'read-only file system', exitCode: EXIT.unavailable },
  ENOSPC: { text: 'no space left on device', exitCode: EXIT.unavailable },
  EADDRINUSE: { text: 'address already in use', exitCode: EXIT.unavailable },
  ECONNREFUSED: { text: 'connection refused', exitCode: EXIT.unavailable },
};

/**
 * Turns errors from Node and SQLite into one line naming what was wrong ("/nonexistent: no such file or
 * directory", "the database is locked by another process: try again"), with the exit code of its class.
 */
export function describeError(error: unknown): DescribedError {
  const e = error as NodeJS.ErrnoException & { code?: string };
  const system = typeof e?.code === 'string' ? SYSTEM_ERRORS[e.code] : undefined;
  if (system) {
    const subject = e.path ?? (e as { address?: string }).address ?? e.syscall ?? '';
    return { message: `${subject ? `${subject}: ` : ''}${system.text}`, exitCode: system.exitCode };
  }
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_')) {
    if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED') {
      return { message: 'the database is locked by another process: try again', exitCode: EXIT.unavailable };
    }
    if (e.code === 'SQLITE_READONLY' || e.code === 'SQLITE_CANTOPEN') {
      return {
        message: `the database cannot be written or opened (${e.code}): check the data dir`,
        exitCode: EXIT.unavailable,
      };
    }
    return { message: `database error ${e.code}: ${firstLine(e.message)}`, exitCode: EXIT.failed };
  }
  if (e?.code === 'PG_CONNECTION') {
    return { message: `the database is unavailable: ${firstLine(e.message)}`, exitCode: EXIT.unavailable };
  }
  if (error instanceof Error && error.name === 'PgError') {
    return { message: `database error ${e.code}: ${firstLine(e.message)}`, exitCode: EXIT.failed };
  }
  const text = error instanceof Error ? firstLine(error.message) : String(error);
  return { message: text || 'unexpected error', exitCode: EXIT.failed };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
