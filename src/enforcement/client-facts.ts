import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { ClientFacts, ClientStatus, EnforcementPolicy, ProviderFacts, ScopeFacts, SignalCounts } from './enforcement-types.ts';
import type { MailboxProviders } from './mailbox-providers.ts';

const DAY_MS = 86_400_000;

const emptyCounts = (): SignalCounts => ({ complaints: 0, hardBounces: 0, softBounces: 0, unsubscribes: 0, trapHits: 0, blocklistings: 0, uncounted: 0 });

const FIELD: Record<string, keyof SignalCounts> = {
  complaint: 'complaints',
  'hard-bounce': 'hardBounces',
  'soft-bounce': 'softBounces',
  unsubscribe: 'unsubscribes',
  'trap-hit': 'trapHits',
  blocklisting: 'blocklistings',
};

interface ClientRow {
  id: number;
  slug: string;
  status: ClientStatus;
  statusChangedAt: string | null;
  since: string | null;
}

/**
 * A client's enforcement facts over the rolling window: campaigns started in the window (their sent, delivered
 * and engaged counts are the denominators) and the signals received in the window about those campaigns or
 * about no campaign. The window never reaches back past the last reinstatement: those signals were answered.
 */
export function clientFacts(db: Database, clientId: number, policy: EnforcementPolicy, providers: MailboxProviders, now: Date): ClientFacts {
  const c = prepared(db, 'SELECT id, slug, status, status_changed_at AS statusChangedAt, enforcement_since AS since FROM clients WHERE id = ?').get(clientId) as ClientRow | undefined;
  if (!c) throw new Error(`no client with id ${clientId}`);
  const rolling = new Date(now.getTime() - policy.windowDays * DAY_MS).toISOString();
  const windowStart = c.since && c.since > rolling ? c.since : rolling;
  const windowEnd = now.toISOString();

  const campaigns = prepared(
    db,
    `SELECT id, slug, sent, delivered, engaged FROM campaigns WHERE client_id = ? AND coalesce(started_at, created_at) >= ? ORDER BY coalesce(started_at, created_at), slug`,
  ).all(clientId, windowStart) as Array<{ id: number; slug: string; sent: number; delivered: number; engaged: number | null }>;
  const inWindow = new Map(campaigns.map((k) => [k.id, k]));
  const scopes = new Map<number, ScopeFacts>(campaigns.map((k) => [k.id, { campaign: k.slug, volume: { sent: k.sent, delivered: k.delivered, engaged: k.engaged }, counts: emptyCounts() }]));
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

  const rows = prepared(
    db,
    `SELECT campaign_id AS campaignId, signal, mailbox_provider AS provider, sum(counts) AS counted, count(*) - sum(counts) AS uncounted
     FROM client_signals WHERE client_id = ? AND at >= ? GROUP BY campaign_id, signal, mailbox_provider`,
  ).all(clientId, windowStart) as Array<{ campaignId: number | null; signal: string; provider: string | null; counted: number; uncounted: number }>;
  const byProvider = new Map<string, ProviderFacts>();
  const providerFacts = (name: string): ProviderFacts => {
    let p = byProvider.get(name);
    if (!p) byProvider.set(name, (p = { provider: name, fbl: providers.sendsFbl(name), sends: 0, complaints: 0, hardBounces: 0, unsubscribes: 0 }));
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
    }
    if (r.provider && r.counted > 0 && (field === 'complaints' || field === 'hardBounces' || field === 'unsubscribes')) providerFacts(r.provider)[field] += r.counted;
  }

  const volume = prepared(db, 'SELECT mailbox_provider AS provider, sum(sends) AS sends FROM send_volume WHERE client_id = ? AND day >= ? GROUP BY mailbox_provider')
    .all(clientId, windowStart.slice(0, 10)) as Array<{ provider: string; sends: number }>;
  let logged = 0;
  let toFbl = 0;
  for (const v of volume) {
    providerFacts(v.provider).sends += v.sends;
    logged += v.sends;
    if (providers.sendsFbl(v.provider)) toFbl += v.sends;
  }

  // Newest first along the (client_id, at) index, stopping early: DISTINCT over the whole window would sort it all.
  const recent = prepared(
    db,
    'SELECT report_id AS id FROM client_signals WHERE client_id = ? AND at >= ? AND counts = 1 AND report_id IS NOT NULL ORDER BY at DESC LIMIT 50',
  ).pluck().all(clientId, windowStart) as number[];
  const samples = [...new Set(recent)].slice(0, 10).map((id) => ({ id }));

  return {
    client: c.slug,
    status: c.status,
    statusChangedAt: c.statusChangedAt,
    windowStart,
    windowEnd,
    total,
    campaigns: [...scopes.values()],
    providers: [...byProvider.values()].sort((a, b) => b.sends - a.sends || a.provider.localeCompare(b.provider)),
    fblShare: logged >= policy.minVolume ? toFbl / logged : null,
    sampleReportIds: samples.map((s) => s.id),
  };
}
