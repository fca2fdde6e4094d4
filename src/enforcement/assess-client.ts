/**
 * Judges one client's facts against the enforcement policy: which level each signal reaches, in the
 * client as a whole and in each campaign, and what automatic enforcement does about it now. Pure: the clock
 * is a parameter, so a decision can be replayed and tested.
 */
import {
  clientStatuses,
  type Assessment,
  type ClientFacts,
  type ClientStatus,
  type EnforcementPolicy,
  type LevelThresholds,
  type ScopeFacts,
  type SignalAssessment,
  type SignalName,
  type StatusChange,
} from './enforcement-types.ts';
import { wilsonLowerBound, zForConfidence } from './wilson-bound.ts';

const DAY_MS = 86_400_000;

/** Highest first: a signal takes the first level whose threshold it crosses. */
const LEVELS_DOWN: readonly { key: keyof LevelThresholds; status: ClientStatus }[] = [
  { key: 'suspend', status: 'suspended' },
  { key: 'warn', status: 'warned' },
  { key: 'watch', status: 'watch' },
];
const LEVELS_UP = [...LEVELS_DOWN].reverse();

const THRESHOLD_KEY: Record<ClientStatus, keyof LevelThresholds | null> = {
  active: null,
  watch: 'watch',
  warned: 'warn',
  suspended: 'suspend',
};

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ratioFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** "1,000": staff read counts with thousands separators. */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** "0.25 %": a proportion as a percentage with two decimals. */
export function formatPercent(proportion: number): string {
  const fixed = (proportion * 100).toFixed(2);
  // "0.00 %" for 6 complaints in 240,000 would read as none at all.
  return proportion > 0 && fixed === '0.00' ? '< 0.01 %' : `${fixed} %`;
}

function rank(status: ClientStatus): number {
  return clientStatuses.indexOf(status);
}

function higher(a: ClientStatus, b: ClientStatus): ClientStatus {
  return rank(a) >= rank(b) ? a : b;
}

/**
 * The complaint-rate denominator. Complaints arrive only from providers that run feedback loops, so a client
 * mailing mostly Gmail users would look clean against all its deliveries; measuring against the deliveries
 * that could have produced a report (never below the policy's floor share, so a tiny share cannot blow a
 * single complaint up into a huge rate) compares clients fairly. Null fblShare means the send log is too thin
 * to estimate the share; then deliveries count as they are.
 */
export function complaintTrials(
  delivered: number,
  complaints: number,
  fblShare: number | null,
  fblShareFloor: number,
): number {
  const share = fblShare === null ? 1 : Math.min(1, Math.max(fblShare, fblShareFloor));
  return Math.max(complaints, Math.round(delivered * share));
}

interface RateSpec {
  signal: SignalName;
  k: number;
  n: number;
  /** What n counts, e.g. "delivered to feedback-loop providers". */
  of: string;
}

const RATE_NAMES: Partial<Record<SignalName, string>> = {
  complaintRate: 'complaint rate',
  hardBounceRate: 'hard-bounce rate',
  unsubscribeRate: 'unsubscribe rate',
};

function rateName(signal: SignalName): string {
  return RATE_NAMES[signal] ?? signal;
}

function countPhrase(signal: SignalName, k: number): string {
  const noun = signal === 'trapHits' ? 'spam-trap hit' : signal === 'blocklistings' ? 'blocklisting' : signal;
  return `${formatCount(k)} ${noun}${k === 1 ? '' : 's'}`;
}

function scopePrefix(campaign: string | null): string {
  return campaign === null ? '' : `campaign ${campaign}: `;
}

function rateSpecs(scope: ScopeFacts, facts: ClientFacts, policy: EnforcementPolicy): RateSpec[] {
  const { volume, counts } = scope;
  return [
    {
      signal: 'complaintRate',
      k: counts.complaints,
      n: complaintTrials(volume.delivered, counts.complaints, facts.fblShare, policy.fblShareFloor),
      of: facts.fblShare === null ? 'delivered' : 'delivered to feedback-loop providers',
    },
    {
      signal: 'hardBounceRate',
      k: counts.hardBounces,
      n: Math.max(counts.hardBounces, volume.sent),
      of: 'sent',
    },
    {
      signal: 'unsubscribeRate',
      k: counts.unsubscribes,
      n: Math.max(counts.unsubscribes, volume.delivered),
      of: 'delivered',
    },
  ];
}

/** The level a measure reaches, and the threshold to show: the one crossed, or else the first one still ahead. */
function judge(
  thresholds: LevelThresholds,
  crosses: (threshold: number) => boolean,
): { level: ClientStatus; key: keyof LevelThresholds | null; threshold: number | null } {
  for (const { key, status } of LEVELS_DOWN) {
    const threshold = thresholds[key];
    if (threshold !== null && crosses(threshold)) return { level: status, key, threshold };
  }
  for (const { key } of LEVELS_UP) {
    const threshold = thresholds[key];
    if (threshold !== null) return { level: 'active', key, threshold };
  }
  return { level: 'active', key: null, threshold: null };
}

function assessRate(
  spec: RateSpec,
  campaign: string | null,
  policy: EnforcementPolicy,
  z: number,
): SignalAssessment {
  const { signal, k, n } = spec;
  const value = n > 0 ? k / n : 0;
  const measured = `${rateName(signal)} ${formatPercent(value)}`;
  const sample = `${formatCount(k)} of ${formatCount(n)} ${spec.of}`;
  const prefix = scopePrefix(campaign);
  if (n < policy.minVolume) {
    const { threshold } = judge(policy.thresholds[signal], () => false);
    return {
      signal,
      campaign,
      k,
      n,
      value,
      lowerBound: null,
      belowMinimum: true,
      level: 'active',
      threshold,
      text: `${prefix}${measured} (${sample}) is not judged: below the minimum volume of ${formatCount(policy.minVolume)}`,
    };
  }
  const lowerBound = wilsonLowerBound(k, n, z);
  const { level, key, threshold } = judge(policy.thresholds[signal], (t) => lowerBound > t);
  const measuredWithBound = `${measured} (Wilson lower bound ${formatPercent(lowerBound)}, ${sample})`;
  let text: string;
  if (key === null || threshold === null) text = `${measuredWithBound}: no threshold configured`;
  // The comparison is on the lower bound, so say so: a point estimate above the threshold is not yet evidence.
  else if (level === 'active')
    text = `${measuredWithBound}: the lower bound is not above the ${key} threshold ${formatPercent(threshold)}`;
  else text = `${measuredWithBound} is above the ${key} threshold ${formatPercent(threshold)}`;
  return {
    signal,
    campaign,
    k,
    n,
    value,
    lowerBound,
    belowMinimum: false,
    level,
    threshold,
    text: prefix + text,
  };
}

function assessCount(signal: SignalName, k: number, policy: EnforcementPolicy): SignalAssessment {
  const { level, key, threshold } = judge(policy.thresholds[signal], (t) => k >= t);
  const counted = countPhrase(signal, k);
  let text: string;
  if (key === null || threshold === null) text = `${counted}: no threshold configured`;
  else if (level === 'active') text = `${counted}: below the ${key} threshold ${formatCount(threshold)}`;
  else text = `${counted} ≥ ${key} threshold ${formatCount(threshold)}`;
  return {
    signal,
    campaign: null,
    k,
    n: null,
    value: k,
    lowerBound: null,
    belowMinimum: false,
    level,
    threshold,
    text,
  };
}

/** Every signal in every scope, the client as a whole first. */
function assessSignals(facts: ClientFacts, policy: EnforcementPolicy): SignalAssessment[] {
  const z = zForConfidence(policy.confidence);
  const signals: SignalAssessment[] = [];
  const scopes: ScopeFacts[] = [{ ...facts.total, campaign: null }, ...facts.campaigns];
  for (const scope of scopes) {
    for (const spec of rateSpecs(scope, facts, policy))
      signals.push(assessRate(spec, scope.campaign, policy, z));
    // Traps and blocklistings hit the sending reputation of the whole client; per campaign they would double count.
    if (scope.campaign === null) {
      signals.push(assessCount('trapHits', scope.counts.trapHits, policy));
      signals.push(assessCount('blocklistings', scope.counts.blocklistings, policy));
    }
  }
  return signals;
}

/** Why a step down is not allowed yet: one sentence per condition that still holds the status. */
function hysteresisHolds(
  facts: ClientFacts,
  policy: EnforcementPolicy,
  signals: SignalAssessment[],
  now: Date,
): { holds: string[]; days: number | null } {
  const status = facts.status;
  const key = THRESHOLD_KEY[status];
  const holds: string[] = [];
  let days: number | null = null;
  if (facts.statusChangedAt !== null) {
    const elapsed = now.getTime() - Date.parse(facts.statusChangedAt);
    if (Number.isNaN(elapsed))
      holds.push(`hysteresis: the time of the last status change (${facts.statusChangedAt}) cannot be read`);
    else {
      days = Math.max(0, Math.floor(elapsed / DAY_MS));
      if (elapsed < policy.minDaysInState * DAY_MS)
        holds.push(`hysteresis: ${days} of ${policy.minDaysInState} days in state ${status}`);
    }
  }
  if (key === null) return { holds, days };
  const ratio = `${ratioFormat.format(policy.recoverRatio * 100)} %`;
  for (const signal of signals) {
    const threshold = policy.thresholds[signal.signal][key];
    if (threshold === null) continue;
    if (signal.n === null) {
      if (signal.k >= threshold)
        holds.push(
          `hysteresis: ${countPhrase(signal.signal, signal.k)} is not below the ${key} threshold ${formatCount(threshold)}`,
        );
    } else if (!signal.belowMinimum && !(signal.value < policy.recoverRatio * threshold)) {
      holds.push(
        `hysteresis: ${scopePrefix(signal.campaign)}${rateName(signal.signal)} ${formatPercent(signal.value)} is not yet below ${ratio} of the ${key} threshold ${formatPercent(threshold)}`,
      );
    }
  }
  return { holds, days };
}

/** The facts without the signals counted on unauthenticated evidence alone. */
function authenticatedOnly(facts: ClientFacts): ClientFacts {
  const strip = (scope: ScopeFacts): ScopeFacts => {
    const weak = scope.unauthenticated;
    if (!weak) return scope;
    const counts = { ...scope.counts };
    for (const [field, n] of Object.entries(weak) as Array<[keyof typeof counts, number]>)
      counts[field] = Math.max(0, counts[field] - n);
    return { ...scope, counts, unauthenticated: {} };
  };
  return { ...facts, total: strip(facts.total), campaigns: facts.campaigns.map(strip) };
}

/**
 * The highest level automatic enforcement may take the client to. Evidence counted on a trace token alone
 * (no authentication of its sender, no corroboration) is cheap to fake — anyone who received one of the
 * client's mails holds a token — so a step that only such evidence triggers goes at most one level above the
 * current status and never to suspended; what authenticated or corroborated evidence reaches is not capped.
 */
function capUnauthenticated(
  facts: ClientFacts,
  policy: EnforcementPolicy,
  status: ClientStatus,
  target: ClientStatus,
): { level: ClientStatus; cap: string | null } {
  const weak = [facts.total, ...facts.campaigns].some((scope) =>
    Object.values(scope.unauthenticated ?? {}).some((n) => n > 0),
  );
  if (!weak || rank(target) <= rank(status)) return { level: target, cap: null };
  const strong = assessSignals(authenticatedOnly(facts), policy).reduce<ClientStatus>(
    (level, signal) => higher(level, signal.level),
    'active',
  );
  if (strong === target) return { level: target, cap: null };
  const ceiling = clientStatuses[Math.min(rank(status) + 1, rank('warned'))]!;
  const level = higher(strong, rank(ceiling) < rank(target) ? ceiling : target);
  if (level === target) return { level, cap: null };
  return {
    level,
    cap: `capped at ${level}: the signals reach ${target} only with evidence counted on a trace token alone (not authenticated, not corroborated), which moves a client at most one level and never to suspended; authenticated and corroborated evidence alone reaches ${strong}`,
  };
}

/**
 * What policy says about this client now. Escalation is immediate (up to warned unless autoSuspend); a step
 * down is one level at a time and only once the client has stayed in its state long enough with every rate
 * well under the state's thresholds, so a client hovering at a threshold does not flap. A suspension is only
 * ever lifted by staff.
 */
export function assessClient(facts: ClientFacts, policy: EnforcementPolicy, now: Date): Assessment {
  const signals = assessSignals(facts, policy);
  const status = facts.status;
  const target = signals.reduce<ClientStatus>((level, signal) => higher(level, signal.level), 'active');
  const { level: allowed, cap } = capUnauthenticated(facts, policy, status, target);
  const effective: ClientStatus = policy.autoSuspend || rank(allowed) < rank('warned') ? allowed : 'warned';
  const evidence = (level: ClientStatus): string =>
    signals
      .filter((signal) => rank(signal.level) >= rank(level))
      .map((signal) => signal.text)
      .join('; ');

  const proposal =
    allowed === 'suspended' && !policy.autoSuspend && status !== 'suspended'
      ? `policy asks to suspend ${facts.client}, but automatic suspension is off, so staff must decide: ${evidence('suspended')}`
      : null;
  const reasons: string[] = cap === null ? [] : [cap];
  let change: StatusChange | null = null;

  if (status === 'suspended') {
    reasons.push(
      target === 'suspended'
        ? 'suspended: only staff reinstate a client'
        : `suspended: only staff reinstate a client, even though the signals now reach only ${target}`,
    );
  } else if (rank(effective) > rank(status)) {
    change = { from: status, to: effective, reason: evidence(effective) };
    reasons.push(`${status} → ${effective}: ${change.reason}`);
  } else if (rank(effective) === rank(status)) {
    if (status === 'active') {
      const unjudged = signals.filter((signal) => signal.belowMinimum).length;
      reasons.push(
        unjudged === 0
          ? 'every signal is below its thresholds: the client stays active'
          : `every judged signal is below its thresholds: the client stays active (${unjudged} rate${unjudged === 1 ? ' is' : 's are'} not judged, below the minimum volume of ${formatCount(policy.minVolume)})`,
      );
    } else {
      reasons.push(`the signals still reach ${status}: ${evidence(status)}`);
    }
  } else {
    const { holds, days } = hysteresisHolds(facts, policy, signals, now);
    if (holds.length > 0) {
      reasons.push(
        `the signals now reach only ${effective}, but ${status} holds until the client has recovered`,
        ...holds,
      );
    } else {
      const to = clientStatuses[rank(status) - 1]!;
      const ratio = `${ratioFormat.format(policy.recoverRatio * 100)} %`;
      const since =
        days === null
          ? 'with no recorded status change'
          : `after ${days} days in state ${status} (at least ${policy.minDaysInState} needed)`;
      change = {
        from: status,
        to,
        reason: `every judged rate is below ${ratio} of its ${THRESHOLD_KEY[status]} threshold and every count below its own, ${since}: one step down to ${to}`,
      };
      reasons.push(`${status} → ${to}: ${change.reason}`);
      if (rank(effective) < rank(to))
        reasons.push(
          `one level at a time: a further step down to ${effective} needs another ${policy.minDaysInState} days in ${to}`,
        );
    }
  }
  if (proposal !== null) reasons.push('suspension proposed to staff: automatic suspension is off');
  return { status, target, change, proposal, signals, reasons, cap };
}
