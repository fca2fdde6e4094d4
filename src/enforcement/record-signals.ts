import type { Database } from 'better-sqlite3';
import { saveSignal } from '../store/enforcement-store.ts';
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
  let created = 0;
  for (const s of signals) {
    const who = s.recipient ?? `report:${scope.reportId ?? 'none'}`;
    const dedupe = `${scope.clientId}:${scope.campaignId ?? 0}:${s.signal}:${who}`;
    const isNew = saveSignal(db, {
      clientId: scope.clientId,
      campaignId: scope.campaignId,
      signal: s.signal,
      recipient: s.recipient,
      provider: s.mailboxProvider,
      reportId: scope.reportId,
      counts: s.counts ? 1 : 0,
      reason: s.reason,
      dedupe,
      at: scope.now.toISOString(),
    });
    if (isNew) created++;
  }
  return created;
}
