import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databasePath, openDatabase } from '../../src/db/open-database.ts';
import { writeTransaction } from '../../src/db/write-transaction.ts';
import { isPostgres } from '../../src/db/postgres/pg-database.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';

describe('writeTransaction', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  // SQLite's database-wide write lock, taken by a second connection to the file; PostgreSQL has no such lock
  // (its writers lock rows).
  it.skipIf(process.env.ABUSEDESK_TEST_DATABASE_URL)(
    'waits for a write lock held elsewhere on timers (the event loop runs meanwhile), then commits',
    async () => {
      const config = testConfig(tmp.dir);
      const db = openDatabase(config);
      const other = new BetterSqlite3(databasePath(config));
      try {
        db.exec('CREATE TABLE t (v INTEGER)');
        other.exec('BEGIN IMMEDIATE');
        let ticks = 0;
        const ticker = setInterval(() => {
          ticks++;
          if (ticks === 3) other.exec('COMMIT');
        }, 1);
        const done = await writeTransaction(db, () => db.prepare('INSERT INTO t VALUES (1)').run().changes, {
          retryMs: 1,
          maxWaitMs: 60_000,
        });
        clearInterval(ticker);
        expect(done).toBe(1);
        expect(ticks).toBeGreaterThanOrEqual(3);
        expect(db.inTransaction).toBe(false);
        expect(other.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
      } finally {
        other.close();
        db.close();
      }
    },
  );

  it('rolls back everything when fn throws; savepoints inside it work', async () => {
    const db = openDatabase(testConfig(tmp.dir));
    try {
      db.exec('CREATE TABLE t (v INTEGER)');
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      await expect(
        writeTransaction(
          db,
          () => {
            db.transaction(() => insert.run(1))();
            throw new Error('no');
          },
          { retryMs: 1, maxWaitMs: 1000 },
        ),
      ).rejects.toThrow('no');
      expect(db.inTransaction).toBe(false);
      await writeTransaction(
        db,
        () => {
          insert.run(2);
          try {
            db.transaction(() => {
              insert.run(3);
              throw new Error('inner');
            })();
          } catch {
            // the savepoint alone is undone
          }
        },
        { retryMs: 1, maxWaitMs: 1000 },
      );
      expect(db.prepare('SELECT v FROM t ORDER BY v').all()).toEqual([{ v: 2 }]);
    } finally {
      db.close();
    }
  });

  it('commits a non-durable transaction like any other and leaves the connection durable after it', async () => {
    const db = openDatabase(testConfig(tmp.dir));
    const pg = isPostgres(db);
    // SQLite: the connection's safety level (2 = FULL); PostgreSQL: the session's synchronous_commit.
    const level = (): unknown =>
      pg ? db.prepare('SHOW synchronous_commit').pluck().get() : db.pragma('synchronous', { simple: true });
    try {
      db.exec('CREATE TABLE t (v INTEGER)');
      const before = level();
      expect(before).toBe(pg ? 'on' : 2);
      const o = { retryMs: 1, maxWaitMs: 1000, durable: false };
      await writeTransaction(db, () => db.prepare('INSERT INTO t VALUES (1)').run(), o);
      await expect(
        writeTransaction(
          db,
          () => {
            db.prepare('INSERT INTO t VALUES (2)').run();
            throw new Error('no');
          },
          o,
        ),
      ).rejects.toThrow('no');
      expect(db.inTransaction).toBe(false);
      expect(level()).toBe(before);
      expect(db.prepare('SELECT v FROM t').all()).toEqual([{ v: 1 }]);
    } finally {
      db.close();
    }
  });
});
