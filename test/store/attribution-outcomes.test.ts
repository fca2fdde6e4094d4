import { describe, expect, it } from 'vitest';
import { reportKinds } from '../../src/report/parsed-report.ts';
import { attributionOutcomesSince } from '../../src/store/reports-store.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/** /metrics' abusedesk_unmatched_ratio: the reports of the last 24 h that went through attribution, on either engine. */
describe('attribution outcomes since a time', () => {
  const t = eachTestDatabase();
  let seq = 0;

  const report = (o: { kind: string; at: string; client: number | null; attributed: boolean }): void => {
    const n = ++seq;
    const message = t.db
      .prepare(
        "INSERT INTO messages (queue_id, received_at, mail_from, rcpt_to, size, sha256, state) VALUES (?, ?, '', '[]', 0, ?, 'done')",
      )
      .run(`q${n}`, o.at, `sha${n}`).lastInsertRowid;
    t.db
      .prepare(
        "INSERT INTO reports (message_id, kind, reason, trusted, complainants, redacted, parsed, created_at, client_id, attribution) VALUES (?, ?, 'r', 0, '[]', 0, '{}', ?, ?, ?)",
      )
      .run(message, o.kind, o.at, o.client, o.attributed ? '{"method":"x"}' : null);
  };

  it('counts every kind in the window, unmatched apart; reports before it or never attributed are left out', () => {
    const client = Number(
      t.db
        .prepare(
          "INSERT INTO clients (slug, name, created_at, updated_at) VALUES ('acme', 'Acme', '2026-12-01', '2026-12-01')",
        )
        .run().lastInsertRowid,
    );
    const inside = '2026-12-01T12:00:00.000Z';
    // One matched and one unmatched report of every kind inside the window.
    for (const kind of reportKinds) {
      report({ kind, at: inside, client, attributed: true });
      report({ kind, at: inside, client: null, attributed: true });
    }
    report({ kind: 'fbl', at: '2026-11-29T12:00:00.000Z', client: null, attributed: true });
    report({ kind: 'fbl', at: inside, client: null, attributed: false });
    expect(attributionOutcomesSince(t.db, new Date('2026-11-30T13:00:00Z'))).toEqual({
      total: 2 * reportKinds.length,
      unmatched: reportKinds.length,
    });
  });
});
