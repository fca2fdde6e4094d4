import { describe, expect, it } from 'vitest';
import { databaseEngine } from '../../src/db/open-database.ts';
import { emptyReport } from '../../src/parse/empty-report.ts';
import {
  reportForMessage,
  reportSlots,
  saveDecisions,
  storeReport,
  writeReportOutcome,
} from '../../src/store/reports-store.ts';
import { unmatched } from '../actions/plan-fixtures.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/**
 * A batch's report rows, read ahead in one statement: on PostgreSQL each message gets its report's id (processed
 * again: acted on or not) or a new one, in the order given, and a report stored under it needs no answer; on
 * SQLite, where an answer costs nothing, the insert assigns the id.
 */
describe("a batch's report ids, on either engine", () => {
  const t = eachTestDatabase();
  const now = new Date('2026-12-01T10:00:00.000Z');

  const message = (n: number): number =>
    Number(
      t.db
        .prepare(
          `INSERT INTO messages (queue_id, received_at, mail_from, rcpt_to, size, sha256, state)
           VALUES (?, '2026-12-01T10:00:00.000Z', '', '["abuse@esp.example"]', 10, ?, 'queued')`,
        )
        .run(`Q${n}`, `sha-${n}`).lastInsertRowid,
    );

  it('gives new reports ids in message order and a stored report its own id; a new row is written whole with its outcome', () => {
    const [acted, stored, a, b] = [message(1), message(2), message(3), message(4)];
    const actedReport = storeReport(t.db, acted, emptyReport('fbl', 'first run'), now);
    saveDecisions(t.db, actedReport.id, [], null);
    const storedReport = storeReport(t.db, stored, emptyReport('bounce', 'failed run'), now);

    const slots = t.db.transaction(() => reportSlots(t.db, [b, acted, a, stored]))();
    if (databaseEngine(t.db) === 'sqlite') {
      expect(slots.size).toBe(0);
      return;
    }
    expect(slots.get(acted)).toEqual({ id: actedReport.id, actedBefore: true });
    expect(slots.get(stored)).toEqual({ id: storedReport.id, actedBefore: false });
    const [idB, idA] = [slots.get(b)!.id, slots.get(a)!.id];
    expect(idB).toBeGreaterThan(storedReport.id);
    expect(idA).toBeGreaterThan(idB);

    const written = t.db.transaction(() => {
      const reports = [
        storeReport(t.db, b, emptyReport('complaint', 'new'), now, slots.get(b)),
        storeReport(t.db, acted, emptyReport('fbl', 'second run'), now, slots.get(acted)),
      ];
      // Nothing is written until the outcome is: then the whole row at once.
      const before = t.db.prepare('SELECT count(*) FROM reports').pluck().get();
      const [rb, ra] = reports as [(typeof reports)[0], (typeof reports)[0]];
      writeReportOutcome(t.db, rb.id, rb.unwritten, {
        attribution: unmatched,
        decisions: [],
        ticketId: 'T-1',
      });
      // Acted on before: its content replaced, no outcome.
      writeReportOutcome(t.db, ra.id, ra.unwritten, null);
      return { before, ids: reports.map((r) => [r.id, r.actedBefore]) };
    })();
    expect(written).toEqual({
      before: 2,
      ids: [
        [idB, false],
        [actedReport.id, true],
      ],
    });
    expect(reportForMessage(t.db, b)).toMatchObject({ id: idB, kind: 'complaint', reason: 'new' });
    expect(t.db.prepare('SELECT ticket_id, decisions FROM reports WHERE id = ?').get(idB)).toEqual({
      ticket_id: 'T-1',
      decisions: '[]',
    });
    // Processed again: the same row, its content replaced, its decisions kept.
    expect(reportForMessage(t.db, acted)).toMatchObject({ id: actedReport.id, reason: 'second run' });
    expect(t.db.prepare('SELECT decisions FROM reports WHERE id = ?').pluck().get(actedReport.id)).toBe('[]');
    expect(t.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(3);
  });
});
