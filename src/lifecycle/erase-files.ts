import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** Folders of the data dir that hold abusedesk's own copies of mail: written outbox mail and the intake spool. */
const OWN_COPIES = ['outbox', 'spool'];

/** The database, its WAL and lock files: rewritten by the erasure itself (VACUUM), never deleted. */
const DATABASE_FILE = /\.(db|sqlite3?)(-wal|-shm|-journal)?$|\.lock$/;

function* filesUnder(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(p);
    else if (e.isFile()) yield p;
  }
}

/** Whether a file's bytes hold the (lower-cased) address in any case. */
export function fileNames(file: string, needle: string): boolean {
  try {
    if (statSync(file).size === 0) return false;
    return readFileSync(file).toString('latin1').toLowerCase().includes(needle);
  } catch {
    return false;
  }
}

/**
 * Deletes abusedesk's own files under the data dir that name the address (written outbox `.eml` files, spooled
 * messages); any other file that names it (a copy someone put there) is listed, not touched. Paths are relative
 * to the data dir.
 */
export function eraseFiles(dataDir: string, address: string): { removed: string[]; remaining: string[] } {
  const root = resolve(dataDir);
  const needle = address.trim().toLowerCase();
  const removed: string[] = [];
  const remaining: string[] = [];
  for (const file of filesUnder(root)) {
    const rel = relative(root, file);
    if (DATABASE_FILE.test(rel)) continue;
    if (!fileNames(file, needle)) continue;
    if (OWN_COPIES.includes(rel.split(sep)[0]!)) {
      unlinkSync(file);
      removed.push(rel);
    } else remaining.push(rel);
  }
  return { removed, remaining };
}
