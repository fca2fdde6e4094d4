import type { Database } from 'better-sqlite3';
import { recordSignals } from '../../../src/enforcement/record-signals.ts';

/**
 * Records `n` complaint signals from Yahoo's feedback loop against a client (recipients `<tag>0@yahoo.com`…):
 * counted ones as DKIM-verified reports, the others as unverified.
 */
export function yahooComplaints(
  db: Database,
  at: { clientId: number; campaignId: number | null; now: Date },
  n: number,
  { counts = true, tag = 'p' }: { counts?: boolean; tag?: string } = {},
): void {
  recordSignals(
    db,
    Array.from({ length: n }, (_, i) => ({
      signal: 'complaint' as const,
      recipient: `${tag}${i}@yahoo.com`,
      mailboxProvider: 'yahoo',
      counts,
      rule: counts ? 'dkim-verified-fbl' : 'unverified',
      basis: 'authenticated' as const,
      reason: counts ? 'DKIM-verified yahoo feedback-loop report' : 'not verified',
    })),
    { ...at, reportId: null },
  );
}
