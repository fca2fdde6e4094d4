import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../src/db/migrate.ts';
import { isDecision } from '../../src/decisions/read-decisions.ts';

const OLD_LINES = [
  'suppress jane@example.net (complaint, client acme): FBL abuse report names jane@example.net',
  'suppress trap@example.org (trap, global) — already suppressed, refreshed: the address is a listed spam trap',
  'not suppressed: b@x.example: report not verified, at most 1 suppression(s) per unverified report',
  'FBL report: no reply (provider agreements forbid contacting the complainant)',
  'opened incident ticket AD-AAAAAA',
  'opened complaint ticket AD-BBBBBB (linked to incident AD-AAAAAA): human complaint about acme / spring',
  'reopened incident ticket AD-AAAAAA: new report after it was resolved',
  'appended reply to ticket AD-BBBBBB',
  'ticket AD-ZZZZZZ does not exist: opened AD-CCCCCC for triage',
  'acknowledgement queued to marie@example.fr in fr (outbox #7, subject "Re: [AD-BBBBBB] merci")',
  'no acknowledgement (rule daily-cap): too many today',
  'no acknowledgement: kind auth-failure is never acknowledged',
  'signal complaint (jane@example.net): counts toward enforcement — DKIM-verified yahoo feedback-loop report',
  'signal soft-bounce: recorded — not counted: only DKIM-verified FBL reports count',
  'duplicate of report #3 (same Message-ID <x@y>): no second effect',
  'something nobody wrote a parser for',
];

describe('migration 011: decisions as records', () => {
  it('turns every stored sentence into a record, keeping what it cannot parse as a note', () => {
    const db = new BetterSqlite3(':memory:');
    const all = listMigrations();
    const target = all.find((m) => m.name === 'decision-records')!;
    for (const m of all.filter((x) => x.version < target.version)) db.exec(m.sql);
    db.prepare(
      `INSERT INTO messages (id, queue_id, received_at, mail_from, rcpt_to, size, sha256) VALUES (1, 'q1', 't', '', '[]', 1, 'h')`,
    ).run();
    db.prepare(
      `INSERT INTO reports (id, message_id, kind, reason, parsed, created_at, decisions) VALUES (1, 1, 'fbl', 'r', '{}', 't', ?)`,
    ).run(JSON.stringify(OLD_LINES));
    db.prepare(
      `INSERT INTO tickets (id, type, subject, created_at, updated_at) VALUES ('AD-BBBBBB', 'complaint', 's', 't', 't')`,
    ).run();
    const event = db.prepare(
      `INSERT INTO ticket_events (ticket_id, at, type, text, data, report_id) VALUES ('AD-BBBBBB', 't', ?, ?, ?, 1)`,
    );
    event.run(
      'report',
      'fbl: r',
      JSON.stringify({ attribution: { method: 'trace-token' }, decisions: OLD_LINES.slice(0, 2) }),
    );
    event.run('mail', OLD_LINES[9], JSON.stringify({ outboxId: 7, language: 'fr', messageId: '<m@x>' }));
    event.run('action', OLD_LINES[10], JSON.stringify({ rule: 'daily-cap' }));
    event.run('action', OLD_LINES[0], null);
    db.exec(target.sql);

    const decisions = JSON.parse(
      (db.prepare('SELECT decisions FROM reports WHERE id = 1').get() as { decisions: string }).decisions,
    ) as unknown[];
    expect(decisions).toHaveLength(OLD_LINES.length);
    expect(decisions.every(isDecision)).toBe(true);
    expect(decisions.map((d) => (d as { kind: string }).kind)).toEqual([
      'suppress',
      'suppress',
      'skip-suppress',
      'note',
      'open-ticket',
      'open-ticket',
      'reopen-ticket',
      'append-ticket',
      'open-ticket',
      'ack-queued',
      'ack-skipped',
      'ack-skipped',
      'signal-counted',
      'signal-recorded',
      'duplicate',
      'note',
    ]);
    expect(decisions[0]).toEqual({
      kind: 'suppress',
      target: 'jane@example.net',
      scope: 'client:acme',
      rule: 'legacy',
      reason: 'FBL abuse report names jane@example.net',
      suppression: 'complaint',
      refreshed: false,
    });
    expect(decisions[1]).toMatchObject({
      target: 'trap@example.org',
      scope: 'global',
      suppression: 'trap',
      refreshed: true,
      reason: 'the address is a listed spam trap',
    });
    expect(decisions[2]).toMatchObject({ target: 'b@x.example', rule: 'untrusted-cap' });
    expect(decisions[5]).toMatchObject({
      target: 'AD-BBBBBB',
      ticketType: 'complaint',
      parentId: 'AD-AAAAAA',
      reason: 'human complaint about acme / spring',
    });
    expect(decisions[8]).toMatchObject({ target: 'AD-CCCCCC', ticketType: 'other' });
    expect(decisions[9]).toMatchObject({ target: 'marie@example.fr', language: 'fr', outboxId: 7 });
    expect(decisions[10]).toMatchObject({ rule: 'daily-cap', reason: 'too many today' });
    expect(decisions[12]).toMatchObject({
      signal: 'complaint',
      target: 'jane@example.net',
      reason: 'DKIM-verified yahoo feedback-loop report',
    });
    expect(decisions[13]).toMatchObject({ signal: 'soft-bounce', target: null });
    expect(decisions[14]).toMatchObject({
      duplicateOf: 3,
      target: 'report:3',
      reason: 'same Message-ID <x@y>: no second effect',
    });
    expect(decisions[15]).toEqual({
      kind: 'note',
      target: null,
      scope: null,
      rule: 'legacy',
      reason: 'something nobody wrote a parser for',
    });

    const events = (
      db.prepare('SELECT type, data FROM ticket_events ORDER BY id').all() as Array<{
        type: string;
        data: string | null;
      }>
    ).map((e) => JSON.parse(e.data ?? 'null') as Record<string, unknown>);
    expect((events[0]!.decisions as unknown[]).every(isDecision)).toBe(true);
    expect(events[1]).toMatchObject({ kind: 'ack-queued', ticketId: 'AD-BBBBBB', outboxId: 7 });
    expect(events[2]).toMatchObject({ kind: 'ack-skipped', ticketId: 'AD-BBBBBB', rule: 'daily-cap' });
    expect(events[3]).toMatchObject({ kind: 'suppress', target: 'jane@example.net' });
    db.close();
  });
});
