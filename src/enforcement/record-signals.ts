import type { Database } from 'better-sqlite3';
import {
  markCorroborated,
  writeSignal,
  signalSourcesSince,
  type SignalSourcePair,
} from '../store/enforcement-store.ts';
import { UNAUTHENTICATED_RULE, type PlannedSignal } from './plan-signals.ts';

export interface SignalScope {
  clientId: number;
  campaignId: number | null;
  reportId: number | null;
  now: Date;
  /** The report's sender (organizational domain) and source network, for corroboration; null when unknown. */
  source?: { domain: string | null; network: string | null };
  /**
   * Corroboration: an unauthenticated signal counts once at least `sources` reports, each from a distinct
   * reporting domain AND a distinct source network, carry the same kind of signal about the client since
   * `since` (the enforcement window). Absent: no corroboration.
   */
  corroboration?: { sources: number; since: string };
}

/**
 * The most reports that are pairwise independent: each from a different reporting domain AND a different
 * source network (a maximum bipartite matching between domains and networks, by augmenting paths). Three
 * forged "providers" on one network are one source; so is one domain reporting from many networks.
 */
export function independentSources(pairs: readonly SignalSourcePair[]): SignalSourcePair[] {
  const networksOf = new Map<string, string[]>();
  for (const p of pairs) networksOf.set(p.domain, [...(networksOf.get(p.domain) ?? []), p.network]);
  const owner = new Map<string, string>();
  const augment = (domain: string, seen: Set<string>): boolean => {
    for (const network of networksOf.get(domain) ?? []) {
      if (seen.has(network)) continue;
      seen.add(network);
      const held = owner.get(network);
      if (held === undefined || augment(held, seen)) {
        owner.set(network, domain);
        return true;
      }
    }
    return false;
  };
  for (const domain of networksOf.keys()) augment(domain, new Set());
  return [...owner]
    .map(([network, domain]) => ({ domain, network }))
    .sort((a, b) => a.domain.localeCompare(b.domain));
}

/** The rule name of a signal counted because `n` independent sources reported it. */
export const corroboratedRule = (n: number): string => `corroborated-by-${n}-sources`;

/**
 * Stores a report's signals (one per client, campaign, signal and recipient — a repeat is not a second
 * signal). A repeat that is better evidence upgrades the stored one. An unauthenticated signal whose kind is
 * now reported by enough independent sources counts, and so do the earlier ones of that kind that waited for
 * corroboration. Returns the signals as stored (with the corroboration applied).
 */
export function recordSignals(
  db: Database,
  signals: readonly PlannedSignal[],
  scope: SignalScope,
): { signals: PlannedSignal[] } {
  const out: PlannedSignal[] = [];
  for (const planned of signals) {
    const s = { ...planned };
    const who = s.recipient ?? `report:${scope.reportId ?? 'none'}`;
    const dedupe = `${scope.clientId}:${scope.campaignId ?? 0}:${s.signal}:${who}`;
    writeSignal(db, {
      clientId: scope.clientId,
      campaignId: scope.campaignId,
      signal: s.signal,
      recipient: s.recipient,
      provider: s.mailboxProvider,
      reportId: scope.reportId,
      counts: s.counts ? 1 : 0,
      reason: s.reason,
      rule: s.rule,
      basis: s.basis,
      reporterDomain: scope.source?.domain ?? null,
      sourceNetwork: scope.source?.network ?? null,
      dedupe,
      at: scope.now.toISOString(),
    });
    const c = scope.corroboration;
    if (c && s.rule === UNAUTHENTICATED_RULE && scope.source?.domain && scope.source.network) {
      const found = independentSources(
        signalSourcesSince(db, scope.clientId, s.signal, c.since, UNAUTHENTICATED_RULE),
      );
      const n = found.length;
      if (n >= c.sources) {
        const rule = corroboratedRule(n);
        const note = `; corroborated by ${n} independent sources: ${found.map((f) => `${f.domain} from ${f.network}`).join(', ')}`;
        markCorroborated(db, scope.clientId, s.signal, c.since, UNAUTHENTICATED_RULE, rule, note);
        s.counts = true;
        s.rule = rule;
        s.basis = 'corroborated';
        s.reason = `${s.reason.replace(/^not counted: /, '')}${note}`;
      }
    }
    out.push(s);
  }
  return { signals: out };
}
