import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';

const migrationsDir = new URL('./migrations/', import.meta.url);

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Migrations are `NNN-name.sql` files beside this module, applied in order, each in its own transaction. */
export function listMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(new URL(f, migrationsDir), 'utf8') }));
}

/** Applies pending migrations; returns the ones applied. PRAGMA user_version records the schema version. */
export function migrate(db: Database): Migration[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = listMigrations().filter((m) => m.version > current);
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return pending;
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
