/**
 * A 0–100 reputation score for staff to compare clients at a glance, with the points each factor takes off.
 * It never drives enforcement (assess-client does); it explains and ranks.
 */
import { complaintTrials, formatCount, formatPercent } from './assess-client.ts';
import {
  scoreFactors,
  type ClientFacts,
  type ScopeFacts,
  type EnforcementPolicy,
  type ReputationScore,
  type ScoreFactor,
  type ScoreFactorName,
} from './enforcement-types.ts';

/** Scales used when policy sets no threshold: common industry lines (0.25 % complaints, 5 % hard bounces, 2 % unsubscribes). */
const DEFAULT_COMPLAINT_SCALE = 0.0025;
const DEFAULT_HARD_BOUNCE_SCALE = 0.05;
const DEFAULT_UNSUBSCRIBE_SCALE = 0.02;
const DEFAULT_COUNT_SCALE = 1;
/** Up to half of recipients ignoring mail is normal; only the share beyond it costs. */
const NON_ENGAGEMENT_FREE = 0.5;

const shareFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function roundTenth(value: number): number {
  return Math.round(value * 10) / 10;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function points(penalty: number): string {
  return `−${penalty.toFixed(1).replace(/\.0$/, '')}`;
}

/** The share of the weight a value takes, 0 … 1; a zero or negative scale means any occurrence is the maximum. */
function fraction(value: number, scale: number): number {
  if (scale <= 0) return value > 0 ? 1 : 0;
  return clamp(value / scale, 0, 1);
}

interface RateInput {
  factor: ScoreFactorName;
  name: string;
  /** "complaints", for "no complaints". */
  plural: string;
  k: number;
  /** The denominator base before k is folded in; 0 means nothing to measure against. */
  base: number;
  n: number;
  /** What n counts, for the "nothing to measure" text. */
  of: string;
  scale: number;
  fromPolicy: boolean;
}

/**
 * Points 100 minus what complaints, hard bounces, unsubscribes, trap hits, blocklistings and non-engagement
 * over the window take off, each up to its policy weight. Rates are scaled by the policy's suspend line (a
 * client at the line loses the whole weight), and weighed down when the client delivered less than the
 * policy's minimum volume, so that two complaints from a sender of 300 messages do not sink its score.
 */
export function reputationScore(facts: ClientFacts, policy: EnforcementPolicy): ReputationScore {
  const { volume, counts } = facts.total;
  const { thresholds, scoreWeights: weights } = policy;
  const delivered = Math.max(0, volume.delivered);
  const unsubscribeLines = [
    thresholds.unsubscribeRate.watch,
    thresholds.unsubscribeRate.warn,
    thresholds.unsubscribeRate.suspend,
  ].filter((threshold): threshold is number => threshold !== null);

  const ratesOf = (scope: ScopeFacts): RateInput[] => {
    const d = Math.max(0, scope.volume.delivered);
    return [
      {
        factor: 'complaints',
        name: 'complaint rate',
        plural: 'complaints',
        k: scope.counts.complaints,
        base: d,
        n: complaintTrials(d, scope.counts.complaints, facts.fblShare, policy.fblShareFloor),
        of: 'deliveries',
        scale: thresholds.complaintRate.suspend ?? DEFAULT_COMPLAINT_SCALE,
        fromPolicy: thresholds.complaintRate.suspend !== null,
      },
      {
        factor: 'hardBounces',
        name: 'hard-bounce rate',
        plural: 'hard bounces',
        k: scope.counts.hardBounces,
        base: scope.volume.sent,
        n: Math.max(scope.counts.hardBounces, scope.volume.sent),
        of: 'sends',
        scale: thresholds.hardBounceRate.suspend ?? DEFAULT_HARD_BOUNCE_SCALE,
        fromPolicy: thresholds.hardBounceRate.suspend !== null,
      },
      {
        factor: 'unsubscribes',
        name: 'unsubscribe rate',
        plural: 'unsubscribes',
        k: scope.counts.unsubscribes,
        base: d,
        n: Math.max(scope.counts.unsubscribes, d),
        of: 'deliveries',
        scale: unsubscribeLines.length > 0 ? Math.max(...unsubscribeLines) : DEFAULT_UNSUBSCRIBE_SCALE,
        fromPolicy: unsubscribeLines.length > 0,
      },
    ];
  };

  const rateFactor = (rate: RateInput, scope: ScopeFacts): ScoreFactor => {
    const weight = weights[rate.factor];
    if (rate.base <= 0 || rate.n <= 0)
      return {
        factor: rate.factor,
        value: null,
        penalty: 0,
        text: `no ${rate.of} to measure a ${rate.name} against: −0`,
      };
    const d = Math.max(0, scope.volume.delivered);
    const volumeWeight = d < policy.minVolume && policy.minVolume > 0 ? d / policy.minVolume : 1;
    const value = rate.k / rate.n;
    const penalty = roundTenth(weight * fraction(value, rate.scale) * volumeWeight);
    const against = `against the ${formatPercent(rate.scale)} ${rate.fromPolicy ? 'policy' : 'reference'}`;
    const balanced =
      volumeWeight < 1 && rate.k > 0
        ? `, weighed at ${shareFormat.format(volumeWeight * 100)} % as only ${formatCount(d)} of the ${formatCount(policy.minVolume)} minimum were delivered`
        : '';
    const where =
      scope.campaign === null
        ? ''
        : `campaign ${scope.campaign} (its worst at or above the minimum volume): `;
    const text =
      rate.k === 0
        ? `no ${rate.plural}: ${points(penalty)}`
        : `${where}${rate.name} ${formatPercent(value)} ${against}${balanced}: ${points(penalty)}`;
    return { factor: rate.factor, value, penalty, text };
  };

  // A client is as good as its worst campaign of real volume: one bad list drowned in good campaigns still costs.
  const judged = facts.campaigns.filter((c) => c.volume.delivered >= policy.minVolume);
  const factors: ScoreFactor[] = ratesOf(facts.total).map((rate, i) => {
    let worst = rateFactor(rate, facts.total);
    for (const c of judged) {
      const f = rateFactor(ratesOf(c)[i]!, c);
      if (f.penalty > worst.penalty) worst = f;
    }
    return worst;
  });

  for (const [factor, k, noun, signal] of [
    ['trapHits', counts.trapHits, 'spam-trap hit', 'trapHits'],
    ['blocklistings', counts.blocklistings, 'blocklisting', 'blocklistings'],
  ] as const) {
    const configured = thresholds[signal].suspend;
    const scale = configured ?? DEFAULT_COUNT_SCALE;
    const penalty = roundTenth(weights[factor] * fraction(k, scale));
    const text =
      k === 0
        ? `no ${noun}s: ${points(penalty)}`
        : `${formatCount(k)} ${noun}${k === 1 ? '' : 's'} against the ${configured === null ? 'reference' : 'policy'} suspend line of ${formatCount(scale)}: ${points(penalty)}`;
    factors.push({ factor, value: k, penalty, text });
  }

  if (volume.engaged === null || delivered <= 0) {
    factors.push({
      factor: 'nonEngagement',
      value: null,
      penalty: 0,
      text:
        volume.engaged === null
          ? 'no engagement data from the ESP: −0'
          : 'no deliveries to measure engagement against: −0',
    });
  } else {
    const value = clamp(1 - volume.engaged / delivered, 0, 1);
    const penalty = roundTenth(
      weights.nonEngagement * clamp((value - NON_ENGAGEMENT_FREE) / (1 - NON_ENGAGEMENT_FREE), 0, 1),
    );
    factors.push({
      factor: 'nonEngagement',
      value,
      penalty,
      text: `non-engagement ${formatPercent(value)} (${formatCount(volume.engaged)} engaged of ${formatCount(delivered)} delivered; only the share beyond ${shareFormat.format(NON_ENGAGEMENT_FREE * 100)} % costs): ${points(penalty)}`,
    });
  }

  const order = (factor: ScoreFactorName): number => scoreFactors.indexOf(factor);
  factors.sort((a, b) => b.penalty - a.penalty || order(a.factor) - order(b.factor));
  // Summing in tenths keeps 0.1 + 0.2 from landing a hair under a .5 and rounding the wrong way.
  const tenths = factors.reduce((sum, factor) => sum + Math.round(factor.penalty * 10), 0);
  const score = clamp(Math.round((1000 - tenths) / 10), 0, 100);
  return { score, factors };
}
