import { describe, expect, it } from 'vitest';
import { runPurge } from '../../src/lifecycle/run-purge.ts';
import { testConfig, eachTestDatabase } from '../helpers/test-service.ts';

/**
 * The raw-message purge goes through the messages in id order, each batch starting where the one before
 * stopped: whatever it passes over (a message still queued, one too young) must wait for the next purge, and
 * nothing purgeable may be left behind.
 */
describe('raw messages are purged in id order, batch after batch, on either engine', () => {
  const t = eachTestDatabase();

  const store = (n: number, state: string, receivedAt: string): void => {
    const r = t.db
      .prepare(
        `INSERT INTO messages (queue_id, received_at, mail_from, rcpt_to, size, sha256, state)
         VALUES (?, ?, 'fbl@provider.example', '["abuse@esp.example"]', 10, ?, ?)`,
      )
      .run(`Q${n}`, receivedAt, `sha-${n}`, state);
    t.db
      .prepare('INSERT INTO message_raw (message_id, raw) VALUES (?, ?)')
      .run(r.lastInsertRowid, Buffer.from(`message ${n}`));
  };
  const kept = (): string[] =>
    t.db
      .prepare('SELECT m.queue_id FROM message_raw r JOIN messages m ON m.id = r.message_id ORDER BY m.id')
      .pluck()
      .all() as string[];
  const purge = (now: Date) =>
    runPurge(t.db, {
      now,
      retention: {
        ...testConfig(t.dir).retention,
        rawMessagesDays: 30,
        reportsDays: null,
        resolvedTicketsDays: null,
        auditLogDays: null,
        outboxDays: null,
        expiredLoginsDays: null,
        goneNodesDays: null,
        batchSize: 2,
        batchPauseMs: 0,
      },
    });

  it('takes every processed old message past the ones it must keep, and the kept ones at a later purge', async () => {
    const old = '2026-01-01T00:00:00.000Z';
    const young = '2026-11-29T00:00:00.000Z';
    // Old and done, except Q3 (still queued) and Q6 (young), in id order over several batches of two.
    for (let n = 1; n <= 9; n++) store(n, n === 3 ? 'queued' : 'done', n === 6 ? young : old);

    const first = await purge(new Date('2026-11-30T00:00:00Z'));
    expect(first.types).toEqual([expect.objectContaining({ type: 'raw-messages', removed: 7 })]);
    expect(kept()).toEqual(['Q3', 'Q6']);

    t.db.prepare(`UPDATE messages SET state = 'done' WHERE queue_id = 'Q3'`).run();
    const second = await purge(new Date('2027-01-30T00:00:00Z'));
    expect(second.types).toEqual([expect.objectContaining({ type: 'raw-messages', removed: 2 })]);
    expect(kept()).toEqual([]);
  });

  it('removes the raw bytes of deleted messages with them, one or many in a statement', () => {
    for (let n = 1; n <= 5; n++) store(n, 'done', '2026-01-01T00:00:00.000Z');
    const rawCount = (): number => t.db.prepare('SELECT count(*) FROM message_raw').pluck().get() as number;
    t.db.prepare(`DELETE FROM messages WHERE queue_id = 'Q2'`).run();
    expect(kept()).toEqual(['Q1', 'Q3', 'Q4', 'Q5']);
    t.db.prepare(`DELETE FROM messages WHERE queue_id IN ('Q1', 'Q4', 'Q5')`).run();
    expect(kept()).toEqual(['Q3']);
    expect(rawCount()).toBe(1);
  });
});
