import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/db/backup-database.ts';
import { listMigrations, migrate, schemaVersion } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';

const pg = Boolean(process.env.ABUSEDESK_TEST_DATABASE_URL);

describe('database', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  it('opens in WAL mode with full sync and applies every migration once', () => {
    const db = openDatabase(testConfig(tmp.dir));
    if (!pg) {
      // Journal mode and sync level are SQLite settings; PostgreSQL's WAL and durability are the server's.
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      // Checkpoints as far apart as the intake writer's, not SQLite's 1,000 pages.
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(
        testConfig(tmp.dir).database.walAutocheckpointPages,
      );
    }
    const latest = listMigrations(pg ? 'postgres' : 'sqlite').at(-1)!.version;
    expect(schemaVersion(db)).toBe(latest);
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  // The pipeline's connection keeps statement journals in memory; the main one (which may VACUUM) on disk.
  it.skipIf(pg)('keeps temporary files in memory only on the connections that ask for it', () => {
    const main = openDatabase(testConfig(tmp.dir));
    const pipeline = openDatabase(testConfig(tmp.dir), { migrate: false, tempStore: 'memory' });
    try {
      expect(main.pragma('temp_store', { simple: true })).toBe(0); // DEFAULT: files
      expect(pipeline.pragma('temp_store', { simple: true })).toBe(2); // MEMORY
    } finally {
      pipeline.close();
      main.close();
    }
  });

  // An online copy of the SQLite file; a PostgreSQL database is backed up with pg_dump.
  it.skipIf(pg)('backs up online to a consistent copy', async () => {
    const db = openDatabase(testConfig(tmp.dir));
    db.prepare(`INSERT INTO meta (key, value) VALUES ('k', 'v')`).run();
    const target = join(tmp.dir, 'backups', 'copy.db');
    await backupDatabase(db, target);
    const copy = new BetterSqlite3(target, { readonly: true });
    expect(copy.prepare('SELECT value FROM meta WHERE key = ?').get('k')).toEqual({ value: 'v' });
    copy.close();
    db.close();
  });
});
