import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markMessagesDone, messageCountsByState } from '../../src/store/messages-store.ts';
import { acknowledgementCounts, addTicketEvent } from '../../src/store/tickets-store.ts';
import type { TicketEventType } from '../../src/store/vocabulary.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/**
 * /healthz and /metrics read messages per state and acknowledgements per outcome from counts that triggers keep:
 * whatever happens to the rows, the counts must equal what counting the rows gives.
 */
describe('counts read by /healthz and /metrics follow every change to their rows, on either engine', () => {
  const t = eachTestDatabase();
  let seq = 0;

  const directStates = (): Record<string, number> => {
    const counts: Record<string, number> = { queued: 0, done: 0, quarantined: 0 };
    for (const r of t.db.prepare('SELECT state, count(*) AS n FROM messages GROUP BY state').all() as Array<{
      state: string;
      n: number;
    }>)
      counts[r.state] = r.n;
    return counts;
  };

  const state = fc.constantFrom('queued', 'done', 'quarantined');
  const op = fc.oneof(
    fc.record({ type: fc.constant('insert' as const), state }),
    fc.record({ type: fc.constant('set' as const), pick: fc.nat(), state }),
    fc.record({ type: fc.constant('delete' as const), pick: fc.nat() }),
    // Several messages in one statement (a claim, a batch's processed messages): each moves between states once.
    fc.record({ type: fc.constant('set-many' as const), picks: fc.array(fc.nat(), { maxLength: 6 }), state }),
    fc.record({ type: fc.constant('done-batch' as const), picks: fc.array(fc.nat(), { maxLength: 6 }) }),
  );
  const picked = (ids: number[], picks: number[]): number[] => [
    ...new Set(picks.map((p) => ids[p % ids.length]!)),
  ];

  it('messages per state, through inserts, state changes (one or several a statement) and deletions', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        t.db.prepare('DELETE FROM messages').run();
        const ids: number[] = [];
        for (const o of ops) {
          if (o.type === 'insert') {
            const n = ++seq;
            ids.push(
              Number(
                t.db
                  .prepare(
                    "INSERT INTO messages (queue_id, received_at, mail_from, rcpt_to, size, sha256, state) VALUES (?, '2026-12-01', '', '[]', 0, ?, ?)",
                  )
                  .run(`q${n}`, `sha${n}`, o.state).lastInsertRowid,
              ),
            );
          } else if (ids.length && o.type === 'set')
            t.db.prepare('UPDATE messages SET state = ? WHERE id = ?').run(o.state, ids[o.pick % ids.length]);
          else if (ids.length && o.type === 'delete')
            t.db.prepare('DELETE FROM messages WHERE id = ?').run(ids.splice(o.pick % ids.length, 1)[0]);
          else if (ids.length && o.type === 'set-many')
            t.db
              .prepare('UPDATE messages SET state = ? WHERE id IN (SELECT value FROM json_each(?))')
              .run(o.state, JSON.stringify(picked(ids, o.picks)));
          else if (ids.length && o.type === 'done-batch')
            markMessagesDone(
              t.db,
              picked(ids, o.picks).map((id) => ({ id, at: new Date(), headers: null, stages: [] })),
            );
        }
        expect(messageCountsByState(t.db)).toEqual(directStates());
      }),
      { numRuns: 40 },
    );
  });

  it('acknowledgements per outcome, through new, changed and deleted timeline events', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    t.db
      .prepare(
        "INSERT INTO tickets (id, type, subject, created_at, updated_at) VALUES ('T-ACK1', 'complaint', 's', '2026', '2026')",
      )
      .run();
    const event = (type: string, data: unknown): void =>
      addTicketEvent(t.db, 'T-ACK1', { type: type as TicketEventType, text: 'event', data, now: at });
    event('mail', { kind: 'ack-queued', target: 'jane@example.net' });
    event('mail', { kind: 'ack-queued', target: 'joe@example.net' });
    event('action', { kind: 'ack-skipped', rule: 'fbl-never' });
    event('action', { kind: 'ack-skipped', rule: 'fbl-never' });
    event('action', { kind: 'ack-skipped', rule: 'rate-limit' });
    event('action', { kind: 'suppress', rule: 'complaint' });
    event('report', { kind: 'ack-queued' });
    expect(acknowledgementCounts(t.db)).toEqual([
      { outcome: 'sent', rule: '', n: 2 },
      { outcome: 'skipped', rule: 'fbl-never', n: 2 },
      { outcome: 'skipped', rule: 'rate-limit', n: 1 },
    ]);
    // An event rewritten (erasure redacts its data) or removed (a purged ticket's timeline) moves the counts.
    t.db
      .prepare("UPDATE ticket_events SET data = ? WHERE data LIKE '%rate-limit%'")
      .run(JSON.stringify({ kind: 'ack-skipped', rule: 'fbl-never' }));
    t.db.prepare("DELETE FROM ticket_events WHERE data LIKE '%jane@example.net%'").run();
    expect(acknowledgementCounts(t.db)).toEqual([
      { outcome: 'sent', rule: '', n: 1 },
      { outcome: 'skipped', rule: 'fbl-never', n: 3 },
    ]);
    t.db.prepare('DELETE FROM ticket_events').run();
    expect(acknowledgementCounts(t.db)).toEqual([]);
  });

  // The row triggers name their tables with their own schema: a session whose search path leads elsewhere (an
  // operator's psql, another schema with tables of the same names) still counts into the schema of the rows.
  it.skipIf(!process.env.ABUSEDESK_TEST_DATABASE_URL)(
    'on PostgreSQL, counts follow changes made by a session whose search path is another schema',
    () => {
      const own = t.db.prepare('SELECT current_schema()').pluck().get() as string;
      const q = (name: string): string => `"${own}".${name}`;
      const decoy = `${own}_decoy`;
      t.db.exec(`CREATE SCHEMA "${decoy}"`);
      try {
        t.db.exec(
          `CREATE TABLE "${decoy}".message_state_counts (state TEXT PRIMARY KEY, n BIGINT NOT NULL);
           CREATE TABLE "${decoy}".acknowledgement_counts (outcome TEXT, rule TEXT, n BIGINT, PRIMARY KEY (outcome, rule))`,
        );
        t.db.exec(
          "INSERT INTO tickets (id, type, subject, created_at, updated_at) VALUES ('T-ACK2', 'complaint', 's', '2026', '2026')",
        );
        t.db.exec(`SET search_path TO "${decoy}"`);
        t.db.exec(
          `INSERT INTO ${q('messages')} (queue_id, received_at, mail_from, rcpt_to, size, sha256, state)
             VALUES ('qa', '2026-12-01', '', '[]', 0, 'sha-a', 'queued'), ('qb', '2026-12-01', '', '[]', 0, 'sha-b', 'done');
           UPDATE ${q('messages')} SET state = 'quarantined' WHERE queue_id = 'qa';
           INSERT INTO ${q('ticket_events')} (ticket_id, at, type, actor, text, data)
             VALUES ('T-ACK2', '2026-12-01', 'mail', 'abusedesk', 'ack', '{"kind":"ack-queued"}')`,
        );
        expect(t.db.prepare(`SELECT count(*) FROM "${decoy}".message_state_counts`).pluck().get()).toBe(0);
        expect(t.db.prepare(`SELECT count(*) FROM "${decoy}".acknowledgement_counts`).pluck().get()).toBe(0);
      } finally {
        t.db.exec(`SET search_path TO "${own}"`);
        t.db.exec(`DROP SCHEMA "${decoy}" CASCADE`);
      }
      expect(messageCountsByState(t.db)).toEqual({ queued: 0, done: 1, quarantined: 1 });
      expect(messageCountsByState(t.db)).toEqual(directStates());
      expect(acknowledgementCounts(t.db)).toEqual([{ outcome: 'sent', rule: '', n: 1 }]);
    },
  );
});
