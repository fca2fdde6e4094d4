import { readdirSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Folders under the data dir that hold a process's half-written files: the file outbox transport writes
 * `.<time>-<id>.<pid>.tmp` and renames it into place; intake spools large messages under `spool/`.
 */
const TEMP_DIRS = ['.', 'outbox', 'spool'];

/**
 * Removes `*.tmp` files left in the data dir by a process that died mid-write. Only called by the holder of
 * the data dir's lock (no other process of this store writes them meanwhile). Returns the removed paths.
 */
export function cleanOrphanTempFiles(dataDir: string): string[] {
  const removed: string[] = [];
  for (const sub of TEMP_DIRS) {
    const dir = resolve(dataDir, sub);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // the folder does not exist (yet)
    }
    for (const name of names) {
      if (!name.endsWith('.tmp')) continue;
      const file = join(dir, name);
      try {
        unlinkSync(file);
        removed.push(file);
      } catch {
        // a directory named *.tmp, or gone already: left alone
      }
    }
  }
  return removed;
}
