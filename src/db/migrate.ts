import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { projectUrl } from '../runtime/project-root.ts';
import { isPostgres } from './postgres/pg-database.ts';

export type Engine = 'sqlite' | 'postgres';

const migrationsDirs: Record<Engine, URL> = {
  sqlite: projectUrl('src', 'db', 'migrations/'),
  postgres: projectUrl('src', 'db', 'migrations', 'postgres/'),
};

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Migrations are `NNN-name.sql` files in src/db/migrations (SQLite) and src/db/migrations/postgres, applied in
 * order, each in its own transaction. PostgreSQL starts from 021-baseline (SQLite's 001–021 in one); every later
 * migration exists for both engines under the same number.
 */
export function listMigrations(engine: Engine = 'sqlite'): Migration[] {
  const migrationsDir = migrationsDirs[engine];
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: readFileSync(new URL(f, migrationsDir), 'utf8'),
    }));
}

/**
 * Applies every migration not yet recorded in `schema_migrations` (not merely those above the highest
 * applied: migrations written on parallel branches may land out of order). PRAGMA user_version mirrors
 * the highest applied version for tools that read it.
 */
export function migrate(db: Database): Migration[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
      (r) => r.version,
    ),
  );
  const pg = isPostgres(db) ? db : null;
  const pending = listMigrations(pg ? 'postgres' : 'sqlite').filter((m) => !applied.has(m.version));
  for (const m of pending) {
    db.transaction(() => {
      // PostgreSQL migrations are written in PostgreSQL's own dialect: run as they are, not translated.
      if (pg) pg.connection.exec(m.sql);
      else db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
      const top = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number };
      db.pragma(`user_version = ${top.v}`);
    })();
  }
  if (pg && pending.length) pg.loadIdentityColumns();
  return pending;
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
