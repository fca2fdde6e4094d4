import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, openPostgres, openReadOnlyDatabase } from '../../src/db/open-database.ts';
import { demoTraffic } from '../../src/demo/demo-traffic.ts';
import { getMessage } from '../../src/store/messages-store.ts';
import { runCli } from '../helpers/cli-process.ts';
import {
  deliverAndProcess,
  startTestService,
  tempDataDir,
  testConfig,
  ticketOfQueued,
} from '../helpers/test-service.ts';

/**
 * The PostgreSQL database to copy into (a schema of its own per run): the suite runner's, else a server on
 * the default local port, else none.
 */
function postgresForTest(): { url: string | null; reason: string } {
  const suite = process.env.ABUSEDESK_TEST_DATABASE_URL;
  if (suite) return { url: suite, reason: '' };
  const local = 'postgres://127.0.0.1:5432/postgres';
  try {
    openPostgres(local, { migrate: false }).close();
    return { url: local, reason: '' };
  } catch (e) {
    return {
      url: null,
      reason: `skipped: db copy needs PostgreSQL; set ABUSEDESK_TEST_DATABASE_URL or run one at ${local} (${(e as Error).message.split('\n')[0]})`,
    };
  }
}

const postgres = postgresForTest();
const fixture = (path: string): string =>
  readFileSync(join(import.meta.dirname, '..', 'fixtures', path), 'utf8');

/** Every row of a table in primary key order, as the engine returns it (integers as numbers, bytes as Buffers). */
function rowsOf(db: Database, table: string, key: string): unknown[] {
  return db.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).all();
}

describe.skipIf(!postgres.url)(
  `abusedesk db copy: SQLite into an empty PostgreSQL schema${postgres.reason ? ` (${postgres.reason})` : ''}`,
  { timeout: 120_000 },
  () => {
    const source = tempDataDir();
    const after = tempDataDir();
    const schema = `copy_${randomBytes(6).toString('hex')}`;
    let url: string;
    let copy: ReturnType<typeof runCli>;
    let ticketId: string;
    let queueId: string;

    beforeAll(async () => {
      const u = new URL(postgres.url!);
      u.searchParams.set('schema', schema);
      url = u.toString();
      // The installation being moved runs on SQLite, whatever engine the suite runs on.
      const svc = await startTestService(source.dir, { overrides: { database: { url: null } } });
      try {
        for (const m of await demoTraffic(testConfig(source.dir)))
          queueId = await deliverAndProcess(svc, m.rcpt, m.body, m.mailFrom);
        queueId = await deliverAndProcess(svc, 'fbl@esp.example', fixture('fbl/aol-redacted.eml'));
        await deliverAndProcess(svc, 'abuse@esp.example', fixture('bounce/postfix-user-unknown.eml'));
        ticketId = ticketOfQueued(svc, queueId);
      } finally {
        await svc.stop();
      }
      copy = runCli(source.dir, ['db', 'copy', '--to', url]);
    }, 120_000);

    afterAll(() => {
      const admin = openPostgres(postgres.url!, { migrate: false });
      try {
        admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        admin.close();
      }
      source.cleanup();
      after.cleanup();
    });

    it('copies every table, shows its progress per table, and verifies the row counts', () => {
      expect(copy.stderr).not.toMatch(/abusedesk:/);
      expect(copy.status).toBe(0);
      const lines = copy.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^table\s+sqlite rows\s+postgres rows\s+check$/);
      const rows = lines.slice(1, -1);
      expect(rows.length).toBeGreaterThan(20);
      for (const line of rows) expect(line).toMatch(/^\w+\s+[\d,]+\s+[\d,]+\s+ok$/);
      expect(rows.find((l) => l.startsWith('messages '))).toMatch(/^messages\s+(\d+)\s+\1\s+ok$/);
      expect(rows.some((l) => l.startsWith('schema_migrations'))).toBe(false);
      expect(lines.at(-1)).toMatch(/^copied [\d,]+ rows in \d+ tables from .*abusedesk\.db to postgres:\/\//);
      // Without a terminal: whole lines, one per table at least.
      expect(copy.stderr).toMatch(/^table \d+\/\d+ message_raw: ([\d,]+) \/ \1 rows$/m);
    });

    it('holds the same rows in every table: tickets with their events, raw message bytes, ids', () => {
      const sqlite = openReadOnlyDatabase(databasePath(testConfig(source.dir)), 5000);
      const pg = openPostgres(url, { migrate: false });
      try {
        const ticket = sqlite.prepare('SELECT * FROM tickets WHERE id = ?').get(ticketId);
        expect(ticket).toBeDefined();
        expect(pg.prepare('SELECT * FROM tickets WHERE id = ?').get(ticketId)).toEqual(ticket);
        const events = sqlite
          .prepare('SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id')
          .all(ticketId);
        expect(events.length).toBeGreaterThan(0);
        expect(
          pg.prepare('SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id').all(ticketId),
        ).toEqual(events);
        const id = getMessage(sqlite, queueId)!.id;
        const raw = sqlite
          .prepare('SELECT raw FROM message_raw WHERE message_id = ?')
          .pluck()
          .get(id) as Buffer;
        expect(Buffer.isBuffer(raw) && raw.length > 0).toBe(true);
        expect(pg.prepare('SELECT raw FROM message_raw WHERE message_id = ?').pluck().get(id)).toEqual(raw);
        // A child ticket whose parent (the client's incident) was filled in after both were copied.
        expect(
          pg.prepare('SELECT count(*) FROM tickets WHERE parent_id IS NOT NULL').pluck().get(),
        ).toBeGreaterThan(0);
        const tables = sqlite
          .prepare(
            `SELECT m.name, group_concat(p.name, ', ') AS key FROM sqlite_master m, pragma_table_info(m.name) p
              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND m.name <> 'schema_migrations' AND p.pk > 0
              GROUP BY m.name`,
          )
          .all() as Array<{ name: string; key: string }>;
        expect(tables.length).toBeGreaterThan(20);
        for (const t of tables)
          expect([t.name, rowsOf(pg, t.name, t.key)]).toEqual([t.name, rowsOf(sqlite, t.name, t.key)]);
      } finally {
        sqlite.close();
        pg.close();
      }
    });

    it('moves every id sequence past the copied rows: a service on the copy files new rows under fresh ids', async () => {
      const sqlite = openReadOnlyDatabase(databasePath(testConfig(source.dir)), 5000);
      const top = sqlite.prepare('SELECT max(id) FROM messages').pluck().get() as number;
      const topEvent = sqlite.prepare('SELECT max(id) FROM ticket_events').pluck().get() as number;
      sqlite.close();
      const svc = await startTestService(after.dir, { overrides: { database: { url } } });
      try {
        const q = await deliverAndProcess(svc, 'fbl@esp.example', fixture('fbl/microsoft-jmrp.eml'));
        expect(getMessage(svc.db, q)!.id).toBe(top + 1);
        expect(svc.db.prepare('SELECT max(id) FROM ticket_events').pluck().get()).toBeGreaterThan(topEvent);
      } finally {
        await svc.stop();
      }
    });

    it('refuses a second copy into the same schema, naming a table that holds rows (exit 2)', () => {
      const again = runCli(source.dir, ['db', 'copy', '--to', url]);
      expect(again.status).toBe(2);
      expect(again.stdout).toBe('');
      expect(again.stderr).toMatch(
        /abusedesk: the PostgreSQL database is not empty: table \w+ holds rows[^;]*; copy only into an empty database or schema/,
      );
    });
  },
);
