import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../src/db/migrate.ts';
import { inboxPage } from '../../src/store/ticket-inbox.ts';

describe('migration 015: the inbox columns and search terms of existing tickets', () => {
  it('fills them from the reports already on each ticket, and retitles tickets for staff triage', () => {
    const db = new BetterSqlite3(':memory:');
    const all = listMigrations();
    for (const m of all.filter((x) => x.version < 15)) db.exec(m.sql);
    const message = db.prepare(
      `INSERT INTO messages (id, queue_id, received_at, mail_from, rcpt_to, size, sha256, headers) VALUES (?, ?, 't', ?, '[]', 1, ?, ?)`,
    );
    message.run(
      1,
      'QFBL0000000001',
      'fbl@aol.example',
      'h1',
      JSON.stringify({ subject: 'Email Feedback Report' }),
    );
    message.run(2, 'QOTHER00000002', 'pat@isp.example', 'h2', JSON.stringify({ subject: 'How do I enrol?' }));
    const report = db.prepare(
      `INSERT INTO reports (id, message_id, kind, reason, provider, reporter, complainants, original_message_id, parsed, created_at, attribution)
       VALUES (?, ?, ?, 'r', ?, ?, ?, ?, ?, 't', ?)`,
    );
    report.run(
      1,
      1,
      'fbl',
      'aol',
      'scomp@aol.net',
      '["jane@example.net"]',
      '<Orig-1@mailer.unknown.example>',
      JSON.stringify({
        complainants: ['Jane@Example.net'],
        sourceIp: '198.51.100.7',
        original: {
          subject: 'Cheap watches',
          from: 'Shady <deals@Mailer.Unknown.example>',
          returnPath: null,
        },
      }),
      JSON.stringify({ recipient: null }),
    );
    report.run(
      2,
      2,
      'other',
      null,
      'pat@isp.example',
      '[]',
      null,
      JSON.stringify({ complainants: [] }),
      null,
    );
    const ticket = db.prepare(
      `INSERT INTO tickets (id, type, subject, created_at, updated_at) VALUES (?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
    );
    ticket.run('AD-AAAAAA', 'unmatched', 'Unmatched FBL report from aol');
    ticket.run('AD-BBBBBB', 'other', 'Message for staff triage');
    const event = db.prepare(
      `INSERT INTO ticket_events (ticket_id, at, type, text, report_id) VALUES (?, 't', 'report', 'x', ?)`,
    );
    event.run('AD-AAAAAA', 1);
    event.run('AD-BBBBBB', 2);

    db.exec(all.find((m) => m.version === 15)!.sql);

    const row = (id: string) =>
      db
        .prepare(
          'SELECT subject, original_subject AS originalSubject, sender, provider, sending_domain AS sendingDomain, source_ip AS sourceIp FROM tickets WHERE id = ?',
        )
        .get(id);
    expect(row('AD-AAAAAA')).toEqual({
      subject: 'Unmatched FBL report from aol',
      originalSubject: 'Cheap watches',
      sender: 'scomp@aol.net',
      provider: 'aol',
      sendingDomain: 'mailer.unknown.example',
      sourceIp: '198.51.100.7',
    });
    expect(row('AD-BBBBBB')).toMatchObject({ subject: 'How do I enrol?', sender: 'pat@isp.example' });
    const terms = db
      .prepare('SELECT kind, term FROM ticket_terms WHERE ticket_id = ? ORDER BY kind')
      .all('AD-AAAAAA');
    expect(terms).toEqual([
      { kind: 'address', term: 'jane@example.net' },
      { kind: 'message-id', term: 'orig-1@mailer.unknown.example' },
      { kind: 'queue-id', term: 'qfbl0000000001' },
      { kind: 'reporter', term: 'scomp@aol.net' },
      { kind: 'sending-domain', term: 'mailer.unknown.example' },
      { kind: 'source-ip', term: '198.51.100.7' },
    ]);
    // Deleting a report (retention) takes the identifiers it named out of the search.
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM reports WHERE id = 1').run();
    expect(db.prepare('SELECT ticket_id AS t, count(*) AS n FROM ticket_terms GROUP BY 1').all()).toEqual([
      { t: 'AD-BBBBBB', n: 2 },
    ]);
  });
});

// The store's paging works on a database migrated to the end, whatever later migrations add.
describe('inbox paging on a fully migrated database', () => {
  it('is empty, with no cursors, on an empty desk', () => {
    const db = new BetterSqlite3(':memory:');
    for (const m of listMigrations()) db.exec(m.sql);
    expect(inboxPage(db, { status: 'all' })).toMatchObject({
      rows: [],
      total: 0,
      first: 0,
      next: null,
      prev: null,
    });
  });
});
