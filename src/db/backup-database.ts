import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

/** SQLite's online backup API: a consistent copy while the service keeps writing. */
export async function backupDatabase(
  db: Database,
  target: string,
  onProgress?: (p: BackupProgress) => void,
): Promise<string> {
  const file = resolve(target);
  mkdirSync(dirname(file), { recursive: true });
  await db.backup(file, {
    progress: (p) => {
      onProgress?.(p);
      return 256; // pages per step: keeps each step short so writers are not starved
    },
  });
  return file;
}
