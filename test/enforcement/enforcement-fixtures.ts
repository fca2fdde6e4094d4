import type {
  ClientFacts,
  ClientStatus,
  EnforcementPolicy,
  ScopeFacts,
  SignalCounts,
  Volume,
} from '../../src/enforcement/enforcement-types.ts';

/** A policy shaped like a real ESP's: complaint lines at 0.10 / 0.15 / 0.25 %, a single trap hit suspends. */
export function testPolicy(overrides: Partial<EnforcementPolicy> = {}): EnforcementPolicy {
  return {
    mode: 'enforce',
    windowDays: 30,
    minVolume: 1000,
    confidence: 0.95,
    fblShareFloor: 0.1,
    recoverRatio: 0.5,
    minDaysInState: 7,
    autoSuspend: true,
    corroborationSources: 3,
    thresholds: {
      complaintRate: { watch: 0.001, warn: 0.0015, suspend: 0.0025 },
      hardBounceRate: { watch: 0.02, warn: 0.03, suspend: 0.05 },
      unsubscribeRate: { watch: 0.01, warn: null, suspend: null },
      trapHits: { watch: null, warn: null, suspend: 1 },
      blocklistings: { watch: null, warn: null, suspend: 1 },
    },
    scoreWeights: {
      complaints: 40,
      hardBounces: 20,
      unsubscribes: 10,
      trapHits: 15,
      blocklistings: 5,
      nonEngagement: 10,
    },
    ...overrides,
  };
}

export const NOW = new Date('2025-03-31T12:00:00Z');

export function daysBefore(days: number, from: Date = NOW): string {
  return new Date(from.getTime() - days * 86_400_000).toISOString();
}

export interface ScopeInput {
  campaign?: string | null;
  /** Defaults: sent = delivered, engaged unknown. */
  delivered?: number;
  sent?: number;
  engaged?: number | null;
  counts?: Partial<SignalCounts>;
}

export function scope(input: ScopeInput = {}): ScopeFacts {
  const delivered = input.delivered ?? 0;
  const volume: Volume = { sent: input.sent ?? delivered, delivered, engaged: input.engaged ?? null };
  const counts: SignalCounts = {
    complaints: 0,
    hardBounces: 0,
    softBounces: 0,
    unsubscribes: 0,
    trapHits: 0,
    blocklistings: 0,
    uncounted: 0,
    ...input.counts,
  };
  return { campaign: input.campaign ?? null, volume, counts };
}

export interface FactsInput extends ScopeInput {
  status?: ClientStatus;
  statusChangedAt?: string | null;
  fblShare?: number | null;
  campaigns?: ScopeInput[];
}

/** One client's facts over a 30-day window ending at NOW; by default active, never changed, fblShare unknown. */
export function clientFacts(input: FactsInput = {}): ClientFacts {
  return {
    client: 'acme-newsletters',
    status: input.status ?? 'active',
    statusChangedAt: input.statusChangedAt ?? null,
    windowStart: daysBefore(30),
    windowEnd: NOW.toISOString(),
    total: scope({ ...input, campaign: null }),
    campaigns: (input.campaigns ?? []).map((campaign) => scope(campaign)),
    providers: [],
    fblShare: input.fblShare ?? null,
    sampleReportIds: [],
  };
}
