import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Database } from 'better-sqlite3';
import { tableNames } from '../../src/store/table-names.ts';

/**
 * Where an address is still stored in plain text, found independently of the erasure's own scan: every column of
 * every table read back in JavaScript (text and blobs), and every file under a folder read as bytes. Matching
 * ignores case (the address as typed and lower-cased are both found).
 */
export function tablesNaming(db: Database, address: string): string[] {
  const needle = address.trim().toLowerCase();
  const found: string[] = [];
  for (const table of tableNames(db)) {
    for (const row of db.prepare(`SELECT * FROM "${table}"`).iterate() as IterableIterator<
      Record<string, unknown>
    >) {
      for (const [column, value] of Object.entries(row)) {
        const text =
          typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('latin1') : null;
        if (text?.toLowerCase().includes(needle)) found.push(`${table}.${column}`);
      }
    }
  }
  return [...new Set(found)];
}

/** Files under `dir` (the database, its WAL and every other file) whose bytes name the address in any case. */
export function filesNaming(dir: string, address: string): string[] {
  const needle = address.trim().toLowerCase();
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && readFileSync(p).toString('latin1').toLowerCase().includes(needle))
        found.push(relative(dir, p));
    }
  };
  walk(dir);
  return found;
}
