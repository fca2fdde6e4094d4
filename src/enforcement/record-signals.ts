import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { PlannedSignal } from './plan-signals.ts';

export interface SignalScope {
  clientId: number;
  campaignId: number | null;
  reportId: number | null;
  now: Date;
}

/**
 * Stores a report's signals (one per client, campaign, signal and recipient — a repeat is not a second
 * signal). A repeat that is better evidence (counts where the first did not) upgrades the stored one.
 * Returns how many were new.
 */
export function recordSignals(db: Database, signals: readonly PlannedSignal[], scope: SignalScope): number {
  const insert = prepared(
    db,
    `INSERT INTO client_signals (client_id, campaign_id, signal, recipient, mailbox_provider, report_id, counts, reason, dedupe, at)
     VALUES (@clientId, @campaignId, @signal, @recipient, @provider, @reportId, @counts, @reason, @dedupe, @at)
     ON CONFLICT (dedupe) DO UPDATE SET counts = 1, reason = excluded.reason, report_id = excluded.report_id, at = excluded.at
       WHERE excluded.counts = 1 AND counts = 0`,
  );
  const known = prepared(db, 'SELECT 1 FROM client_signals WHERE dedupe = ?');
  let created = 0;
  for (const s of signals) {
    const who = s.recipient ?? `report:${scope.reportId ?? 'none'}`;
    const dedupe = `${scope.clientId}:${scope.campaignId ?? 0}:${s.signal}:${who}`;
    const existed = known.get(dedupe) !== undefined;
    insert.run({ clientId: scope.clientId, campaignId: scope.campaignId, signal: s.signal, recipient: s.recipient, provider: s.mailboxProvider, reportId: scope.reportId, counts: s.counts ? 1 : 0, reason: s.reason, dedupe, at: scope.now.toISOString() });
    if (!existed) created++;
  }
  return created;
}
