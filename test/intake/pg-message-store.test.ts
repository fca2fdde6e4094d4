import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PgMessageStore } from '../../src/store/pg-message-store.ts';
import { eachTestDatabase, incomingMessage, testConfig } from '../helpers/test-service.ts';

// Intake's PostgreSQL writer: envelopes, bytes and earlier copies in one statement per batch.
describe.skipIf(!process.env.ABUSEDESK_TEST_DATABASE_URL)(
  'PgMessageStore (group commit on PostgreSQL)',
  () => {
    const t = eachTestDatabase();
    const openStore = (): PgMessageStore => new PgMessageStore(testConfig(t.dir).database.url!);

    it('stores a batch with its bytes, and answers copies in the batch and from earlier batches as duplicates', async () => {
      const { db } = t;
      const store = openStore();
      try {
        const commits: number[] = [];
        store.onStored((n) => commits.push(n));
        const first = await Promise.all(
          Array.from({ length: 12 }, (_, i) => store.store(incomingMessage(`m${i % 10}`))),
        );
        // One commit for the twelve, ten of them new.
        expect(commits).toEqual([10]);
        // m0 and m1 came twice: the second copy has the first one's queue id and id.
        expect(new Set(first.map((r) => r.queueId)).size).toBe(10);
        expect(first.filter((r) => r.duplicate)).toEqual([
          { ...first[0], duplicate: true },
          { ...first[1], duplicate: true },
        ]);
        const raw = db
          .prepare(
            'SELECT m.queue_id AS q, r.raw FROM messages m JOIN message_raw r ON r.message_id = m.id WHERE m.queue_id = ?',
          )
          .get(first[3]!.queueId) as { q: string; raw: Buffer };
        expect(raw.raw.equals(incomingMessage('m3').raw)).toBe(true);
        expect(db.prepare('SELECT count(*) FROM message_raw').pluck().get()).toBe(10);

        const again = await Promise.all([
          store.store(incomingMessage('m4')),
          store.store(incomingMessage('new')),
        ]);
        expect(again[0]).toEqual({ ...first[4], duplicate: true });
        expect(again[1].duplicate).toBe(false);
        expect(db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(11);
      } finally {
        await store.close();
      }
    });

    it('answers a copy that another node commits while this batch waits on it as that node’s message', async () => {
      // The test's own connection plays the other node.
      const other = t.db;
      const store = openStore();
      const copy = incomingMessage('raced');
      const sha = createHash('sha256').update(copy.raw).digest('hex');
      try {
        // The other node's intake has written the same bytes and not committed yet.
        other.exec('BEGIN');
        const id = Number(
          other
            .prepare(
              `INSERT INTO messages (queue_id, received_at, mail_from, rcpt_to, size, sha256)
               VALUES ('OTHER1', '2026-11-23T10:00:00Z', '', '[]', 1, ?)`,
            )
            .run(sha).lastInsertRowid,
        );
        const stored = store.store(copy);
        // This node's insert waits on the other's row lock; then the other node commits.
        const waiting = (): boolean => {
          other.exec('SELECT pg_stat_clear_snapshot()');
          return (
            (other
              .prepare(
                `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
              )
              .pluck()
              .get() as number) > 0
          );
        };
        while (!waiting()) await new Promise((r) => setTimeout(r, 10));
        other.exec('COMMIT');
        expect(await stored).toEqual({ id, queueId: 'OTHER1', duplicate: true });
      } finally {
        await store.close();
      }
    });

    it('stores through a socket-directory URL that names no user, as libpq takes it', async (ctx) => {
      const tcp = new URL(testConfig(t.dir).database.url!);
      const dir = (t.db.prepare('SHOW unix_socket_directories').pluck().get() as string)
        .split(',')[0]!
        .trim();
      if (
        !dir ||
        (tcp.port && tcp.port !== '5432') ||
        !['127.0.0.1', 'localhost', '[::1]'].includes(tcp.hostname)
      )
        return ctx.skip('the test server is not on this host with a socket directory and the default port');
      // postgres:///<database>?host=<directory>&schema=…: the socket URL, with the test URL's user if it names one.
      const params = new URLSearchParams(tcp.search);
      params.set('host', dir);
      if (tcp.username) params.set('user', decodeURIComponent(tcp.username));
      const store = new PgMessageStore(`postgres://${tcp.pathname}?${params.toString()}`);
      try {
        const r = await store.store(incomingMessage('over the socket'));
        expect(r.duplicate).toBe(false);
        expect(t.db.prepare('SELECT count(*) FROM messages WHERE queue_id = ?').pluck().get(r.queueId)).toBe(
          1,
        );
      } finally {
        await store.close();
      }
    });
  },
);
