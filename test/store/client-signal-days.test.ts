import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertClientProfile } from '../../src/store/client-admin-store.ts';
import {
  markCorroborated,
  writeSignal,
  signalSourcesSince,
  signalTotalsSince,
  type SignalRow,
  type SignalSourcePair,
  type SignalTotals,
} from '../../src/store/enforcement-store.ts';
import type { SignalKind } from '../../src/store/vocabulary.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/**
 * A client's window totals come from daily totals kept by triggers plus the window's first, partial day, and its
 * corroboration sources from a walk over the distinct pairs: whatever happens to its signals (new, upgraded,
 * corroborated, their report, campaign or client deleted), both must equal what the signals themselves say.
 */
describe("a client's signal totals and sources equal a count of its signals, whatever changed them, on either engine", () => {
  const t = eachTestDatabase();
  const T0 = Date.parse('2026-11-01T00:00:00Z');
  const HOUR = 3_600_000;

  /** The totals summed directly over client_signals (what enforcement read before the daily totals). */
  const direct = (clientId: number, since: string): SignalTotals[] =>
    t.db
      .prepare(
        `SELECT campaign_id AS campaignId, signal, mailbox_provider AS provider, sum(counts) AS counted,
           count(*) - sum(counts) AS uncounted,
           sum(CASE WHEN counts = 1 AND basis = 'unauthenticated' THEN 1 ELSE 0 END) AS unauthenticated
         FROM client_signals WHERE client_id = ? AND at >= ? GROUP BY campaign_id, signal, mailbox_provider`,
      )
      .all(clientId, since) as SignalTotals[];
  /** The corroboration sources read directly: every qualifying signal of the window, made distinct. */
  const directSources = (clientId: number, signal: SignalKind, since: string): SignalSourcePair[] =>
    t.db
      .prepare(
        `SELECT DISTINCT reporter_domain AS domain, source_network AS network FROM client_signals
         WHERE client_id = ? AND signal = ? AND at >= ? AND (counts = 1 OR rule = 'waiting')
           AND reporter_domain IS NOT NULL AND source_network IS NOT NULL ORDER BY domain, network`,
      )
      .all(clientId, signal, since) as SignalSourcePair[];
  const sorted = (rows: SignalTotals[]): SignalTotals[] =>
    rows
      .map((r) => ({ ...r }))
      .sort((a, b) =>
        `${a.campaignId}|${a.signal}|${a.provider}`.localeCompare(
          `${b.campaignId}|${b.signal}|${b.provider}`,
        ),
      );

  let seq = 0;
  const client = (slug: string): number =>
    insertClientProfile(
      t.db,
      { slug, name: slug, contactEmail: null, language: 'en', domains: [] },
      new Date(T0),
    );
  const campaign = (clientId: number, slug: string): number =>
    Number(
      t.db
        .prepare(
          "INSERT INTO campaigns (client_id, slug, name, created_at, updated_at) VALUES (?, ?, ?, '2026-11-01', '2026-11-01')",
        )
        .run(clientId, slug, slug).lastInsertRowid,
    );
  const report = (): number => {
    const n = ++seq;
    const messageId = Number(
      t.db
        .prepare(
          "INSERT INTO messages (queue_id, received_at, mail_from, rcpt_to, size, sha256) VALUES (?, '2026-11-01', '', '[]', 0, ?)",
        )
        .run(`q${n}`, `sha${n}`).lastInsertRowid,
    );
    return Number(
      t.db
        .prepare(
          "INSERT INTO reports (message_id, kind, reason, parsed, created_at) VALUES (?, 'fbl', 'test', '{}', '2026-11-01')",
        )
        .run(messageId).lastInsertRowid,
    );
  };

  const op = fc.oneof(
    fc.record({
      type: fc.constant('signal' as const),
      client: fc.integer({ min: 0, max: 1 }),
      campaign: fc.integer({ min: 0, max: 2 }),
      signal: fc.constantFrom<SignalKind>('complaint', 'hard-bounce', 'unsubscribe'),
      provider: fc.constantFrom(null, 'gmail', 'yahoo'),
      recipient: fc.integer({ min: 0, max: 5 }),
      evidence: fc.constantFrom('none', 'waits', 'token', 'authenticated'),
      domain: fc.constantFrom(null, 'a.example', 'b.example'),
      network: fc.constantFrom(null, '192.0.2.0/24', '198.51.100.0/24'),
      hour: fc.integer({ min: 0, max: 24 * 6 }),
    }),
    fc.record({ type: fc.constant('corroborate' as const), client: fc.integer({ min: 0, max: 1 }) }),
    fc.record({ type: fc.constant('delete-report' as const), pick: fc.nat() }),
    fc.record({ type: fc.constant('delete-campaign' as const), campaign: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ type: fc.constant('delete-client' as const), client: fc.integer({ min: 0, max: 1 }) }),
  );

  it('holds over random histories and windows', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 0, max: 24 * 7 }), (ops, sinceHour) => {
        for (const table of ['client_signals', 'reports', 'messages', 'campaigns', 'clients'])
          t.db.prepare(`DELETE FROM ${table}`).run();
        seq++;
        const clients = [client(`a${seq}`), client(`b${seq}`)];
        const campaigns = clients.map((c, i) => [
          null,
          campaign(c, `k${seq}-${i}-1`),
          campaign(c, `k${seq}-${i}-2`),
        ]);
        const reports: number[] = [];
        const alive = new Set(clients);
        for (const o of ops) {
          if (o.type === 'signal') {
            const clientId = clients[o.client]!;
            if (!alive.has(clientId)) continue;
            const reportId = report();
            reports.push(reportId);
            const campaignId = campaigns[o.client]![o.campaign] ?? null;
            const counts = o.evidence === 'none' ? 0 : 1;
            const row: SignalRow = {
              clientId,
              campaignId,
              signal: o.signal,
              recipient: `r${o.recipient}@example.net`,
              provider: o.provider,
              reportId,
              counts,
              reason: counts ? 'counts' : 'not counted: waits',
              rule: counts ? 'counts' : 'waiting',
              basis:
                o.evidence === 'none' ? null : o.evidence === 'token' ? 'unauthenticated' : 'authenticated',
              reporterDomain: 'provider.example',
              sourceNetwork: `192.0.2.${o.recipient}`,
              dedupe: `${clientId}:${campaignId ?? 0}:${o.signal}:r${o.recipient}`,
              at: new Date(T0 + o.hour * HOUR + 1234).toISOString(),
            };
            writeSignal(t.db, row);
          } else if (o.type === 'corroborate')
            markCorroborated(
              t.db,
              clients[o.client]!,
              'complaint',
              new Date(T0).toISOString(),
              'waiting',
              'corroborated',
              ' (corroborated)',
            );
          else if (o.type === 'delete-report' && reports.length) {
            const [id] = reports.splice(o.pick % reports.length, 1);
            t.db.prepare('DELETE FROM reports WHERE id = ?').run(id);
          } else if (o.type === 'delete-campaign') {
            for (const list of campaigns) {
              const id = list[o.campaign];
              if (id) t.db.prepare('DELETE FROM campaigns WHERE id = ?').run(id);
              list[o.campaign] = null;
            }
          } else if (o.type === 'delete-client') {
            const id = clients[o.client]!;
            t.db.prepare('DELETE FROM clients WHERE id = ?').run(id);
            alive.delete(id);
          }
        }
        const since = new Date(T0 + sinceHour * HOUR + 777).toISOString();
        for (const clientId of clients) {
          expect(sorted(signalTotalsSince(t.db, clientId, since))).toEqual(sorted(direct(clientId, since)));
          for (const signal of ['complaint', 'hard-bounce'] as const)
            expect(signalSourcesSince(t.db, clientId, signal, since, 'waiting')).toEqual(
              directSources(clientId, signal, since),
            );
        }
        // Nothing is left behind for signals that are gone.
        const orphans = t.db
          .prepare(
            'SELECT count(*) AS n FROM client_signal_days d WHERE NOT EXISTS (SELECT 1 FROM client_signals s WHERE s.client_id = d.client_id)',
          )
          .get() as { n: number };
        expect(orphans.n).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
