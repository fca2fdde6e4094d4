import type { Database } from 'better-sqlite3';
import { campaignsSince } from '../store/campaigns-store.ts';
import { clientForEnforcement } from '../store/clients-store.ts';
import { recentSignalReportIds, sendVolumeSince, signalTotalsSince } from '../store/enforcement-store.ts';
import type {
  ClientFacts,
  EnforcementPolicy,
  ProviderFacts,
  ScopeFacts,
  SignalCounts,
} from './enforcement-types.ts';
import type { MailboxProviders } from './mailbox-providers.ts';

const DAY_MS = 86_400_000;

const emptyCounts = (): SignalCounts => ({
  complaints: 0,
  hardBounces: 0,
  softBounces: 0,
  unsubscribes: 0,
  trapHits: 0,
  blocklistings: 0,
  uncounted: 0,
});

const FIELD: Record<string, keyof SignalCounts> = {
  complaint: 'complaints',
  'hard-bounce': 'hardBounces',
  'soft-bounce': 'softBounces',
  unsubscribe: 'unsubscribes',
  'trap-hit': 'trapHits',
  blocklisting: 'blocklistings',
};

/**
 * A client's enforcement facts over the rolling window: campaigns started in the window (their sent, delivered
 * and engaged counts are the denominators) and the signals received in the window about those campaigns or
 * about no campaign. The window never reaches back past the last reinstatement: those signals were answered.
 */
export function clientFacts(
  db: Database,
  clientId: number,
  policy: EnforcementPolicy,
  providers: MailboxProviders,
  now: Date,
): ClientFacts {
  const c = clientForEnforcement(db, clientId);
  if (!c) throw new Error(`no client with id ${clientId}`);
  const rolling = new Date(now.getTime() - policy.windowDays * DAY_MS).toISOString();
  const windowStart = c.since && c.since > rolling ? c.since : rolling;
  const windowEnd = now.toISOString();

  const campaigns = campaignsSince(db, clientId, windowStart);
  const inWindow = new Map(campaigns.map((k) => [k.id, k]));
  const scopes = new Map<number, ScopeFacts>(
    campaigns.map((k) => [
      k.id,
      {
        campaign: k.slug,
        volume: { sent: k.sent, delivered: k.delivered, engaged: k.engaged },
        counts: emptyCounts(),
      },
    ]),
  );
  const engagedKnown = campaigns.some((k) => k.engaged !== null);
  const total: ScopeFacts = {
    campaign: null,
    volume: {
      sent: campaigns.reduce((n, k) => n + k.sent, 0),
      delivered: campaigns.reduce((n, k) => n + k.delivered, 0),
      engaged: engagedKnown ? campaigns.reduce((n, k) => n + (k.engaged ?? 0), 0) : null,
    },
    counts: emptyCounts(),
  };

  const rows = signalTotalsSince(db, clientId, windowStart);
  const byProvider = new Map<string, ProviderFacts>();
  const providerFacts = (name: string): ProviderFacts => {
    let p = byProvider.get(name);
    if (!p)
      byProvider.set(
        name,
        (p = {
          provider: name,
          fbl: providers.sendsFbl(name),
          sends: 0,
          complaints: 0,
          hardBounces: 0,
          unsubscribes: 0,
        }),
      );
    return p;
  };
  for (const r of rows) {
    // A signal about a campaign outside the window would have no denominator here.
    if (r.campaignId !== null && !inWindow.has(r.campaignId)) continue;
    const field = FIELD[r.signal];
    if (!field) continue;
    for (const scope of r.campaignId === null ? [total] : [total, scopes.get(r.campaignId)!]) {
      scope.counts[field] += r.counted;
      scope.counts.uncounted += r.uncounted;
      if (r.unauthenticated > 0) {
        scope.unauthenticated ??= {};
        scope.unauthenticated[field] = (scope.unauthenticated[field] ?? 0) + r.unauthenticated;
      }
    }
    if (
      r.provider &&
      r.counted > 0 &&
      (field === 'complaints' || field === 'hardBounces' || field === 'unsubscribes')
    )
      providerFacts(r.provider)[field] += r.counted;
  }

  const volume = sendVolumeSince(db, clientId, windowStart.slice(0, 10));
  let logged = 0;
  let toFbl = 0;
  for (const v of volume) {
    providerFacts(v.provider).sends += v.sends;
    logged += v.sends;
    if (providers.sendsFbl(v.provider)) toFbl += v.sends;
  }

  const recent = recentSignalReportIds(db, clientId, windowStart, 50);
  const samples = [...new Set(recent)].slice(0, 10).map((id) => ({ id }));

  return {
    client: c.slug,
    status: c.status,
    statusChangedAt: c.statusChangedAt,
    windowStart,
    windowEnd,
    total,
    campaigns: [...scopes.values()],
    providers: [...byProvider.values()].sort(
      (a, b) => b.sends - a.sends || a.provider.localeCompare(b.provider),
    ),
    fblShare: logged >= policy.minVolume ? toFbl / logged : null,
    sampleReportIds: samples.map((s) => s.id),
  };
}
