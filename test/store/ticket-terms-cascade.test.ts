import { describe, expect, it } from 'vitest';
import { indexTicketTerms, termKinds } from '../../src/store/inbox-terms-store.ts';
import { createTicket } from '../../src/store/tickets-store.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/**
 * The inbox search's terms belong to a ticket and to the report that named them: deleting either (retention,
 * client deletion, a message deleted with its report) leaves no term behind, so a search never finds a ticket or
 * report that is gone. On PostgreSQL statement-level triggers do what SQLite's foreign keys do.
 */
describe('inbox search terms go with their ticket and their report, on either engine', () => {
  const t = eachTestDatabase();
  const now = new Date('2026-12-01T10:00:00Z');
  let seq = 0;

  const report = (): number => {
    const n = ++seq;
    const message = Number(
      t.db
        .prepare(
          "INSERT INTO messages (queue_id, received_at, mail_from, rcpt_to, size, sha256, state) VALUES (?, '2026-12-01', '', '[]', 0, ?, 'done')",
        )
        .run(`tt${n}`, `tt-sha${n}`).lastInsertRowid,
    );
    return Number(
      t.db
        .prepare(
          "INSERT INTO reports (message_id, kind, reason, parsed, created_at) VALUES (?, 'fbl', 'test', '{}', '2026-12-01')",
        )
        .run(message).lastInsertRowid,
    );
  };
  const ticket = (): string => createTicket(t.db, { type: 'incident', subject: 'burst', now });
  const terms = (): number => t.db.prepare('SELECT count(*) FROM ticket_terms').pluck().get() as number;

  it('deleting a report removes the terms it named; deleting a ticket removes all of its terms', () => {
    t.db.prepare('DELETE FROM ticket_terms').run();
    const [a, b] = [ticket(), ticket()];
    const [r1, r2, r3] = [report(), report(), report()];
    indexTicketTerms(t.db, a, r1, [{ kind: 'address', value: 'first@example.net' }]);
    indexTicketTerms(t.db, a, r2, [
      { kind: 'address', value: 'second@example.net' },
      { kind: 'source-ip', value: '192.0.2.7' },
    ]);
    indexTicketTerms(t.db, b, r3, [{ kind: 'address', value: 'third@example.net' }]);
    expect(terms()).toBe(4);

    t.db.prepare('DELETE FROM reports WHERE id = ?').run(r2);
    expect(termKinds(t.db, 'second@example.net')).toEqual([]);
    expect(termKinds(t.db, '192.0.2.7')).toEqual([]);
    expect(termKinds(t.db, 'first@example.net')).toEqual(['address']);

    // Its message deleted, the report goes with it (cascade), and so do the report's terms.
    t.db.prepare('DELETE FROM messages WHERE id = (SELECT message_id FROM reports WHERE id = ?)').run(r1);
    expect(termKinds(t.db, 'first@example.net')).toEqual([]);

    t.db.prepare('DELETE FROM tickets WHERE id = ?').run(b);
    expect(termKinds(t.db, 'third@example.net')).toEqual([]);
    expect(terms()).toBe(0);
  });
});
