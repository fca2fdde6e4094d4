/**
 * Enforcement: the shapes shared by the pure core (assess-client,
 * reputation-score, wilson-bound) and the database side (client-facts, enforce-client).
 */

/** A client's status; also the enforcement level a signal reaches. Ordered: active < watch < warned < suspended. */
import type { ClientStatus } from '../store/vocabulary.ts';

export { clientStatuses, type ClientStatus } from '../store/vocabulary.ts';

/** The signals policy watches. Rates are proportions (0.0025 = 0.25 %); counts are whole numbers. */
export const signalNames = [
  'complaintRate',
  'hardBounceRate',
  'unsubscribeRate',
  'trapHits',
  'blocklistings',
] as const;
export type SignalName = (typeof signalNames)[number];

/** The value at which a signal puts a client in each state; null: this signal never causes that state. */
export interface LevelThresholds {
  watch: number | null;
  warn: number | null;
  suspend: number | null;
}

export const scoreFactors = [
  'complaints',
  'hardBounces',
  'unsubscribes',
  'trapHits',
  'blocklistings',
  'nonEngagement',
] as const;
export type ScoreFactorName = (typeof scoreFactors)[number];

/** Policy as data (config `enforcement`). */
export interface EnforcementPolicy {
  /** enforce: status changes apply; dry-run: they are recorded as what would have happened, nothing changes. */
  mode: 'enforce' | 'dry-run';
  /** Rolling window, in days, over which rates are computed. */
  windowDays: number;
  /** Rate signals are judged only at or above this many messages in the denominator (per client and per campaign). */
  minVolume: number;
  /** Two-sided confidence of the Wilson interval whose lower bound is compared with the thresholds (0.95 → z 1.96). */
  confidence: number;
  /** Smallest share of deliveries to feedback-loop providers used to scale the complaint denominator. */
  fblShareFloor: number;
  /** Hysteresis: a step down needs every signal's point estimate below this fraction of the current level's threshold. */
  recoverRatio: number;
  /** Hysteresis: a step down needs at least this many days since the last status change. */
  minDaysInState: number;
  /** false: automatic enforcement stops at warned, and a suspension is only proposed (staff decide). */
  autoSuspend: boolean;
  /**
   * Unauthenticated complaints, bounces, blocklistings and trap hits count once this many distinct reporting
   * domains and distinct source networks report that kind of signal about the client within the window.
   */
  corroborationSources: number;
  thresholds: Record<SignalName, LevelThresholds>;
  /** The most points each factor can take off the reputation score (100 = perfect). */
  scoreWeights: Record<ScoreFactorName, number>;
}

/** Messages sent and delivered (from the campaigns' counts) and engaged recipients when the ESP reports them. */
export interface Volume {
  sent: number;
  delivered: number;
  /** Unique recipients who opened or clicked; null when unknown. */
  engaged: number | null;
}

/** Signals that count toward automatic enforcement (trusted or token-proven, one per recipient), and those that do not. */
export interface SignalCounts {
  complaints: number;
  hardBounces: number;
  softBounces: number;
  unsubscribes: number;
  trapHits: number;
  blocklistings: number;
  /** Signals recorded but not counted (unverified reports), shown to staff. */
  uncounted: number;
}

/** The facts for one scope: the whole client over the window, or one campaign. */
export interface ScopeFacts {
  /** null for the client as a whole. */
  campaign: string | null;
  volume: Volume;
  counts: SignalCounts;
  /**
   * The part of `counts` counted on unauthenticated evidence alone (a trace token, neither authenticated nor
   * corroborated): a step it alone triggers is capped at one level and never reaches suspended. Absent: none.
   */
  unauthenticated?: Partial<SignalCounts>;
}

/** Per mailbox provider (recipient domain family): sends from the send log and counted signals. */
export interface ProviderFacts {
  provider: string;
  /** Whether this provider sends feedback-loop reports (data/mailbox-providers.json). */
  fbl: boolean;
  sends: number;
  complaints: number;
  hardBounces: number;
  unsubscribes: number;
}

/** Everything assess-client and reputation-score need about one client; gathered from the database by client-facts. */
export interface ClientFacts {
  client: string;
  status: ClientStatus;
  /** When the status last changed (ISO), null if never. */
  statusChangedAt: string | null;
  /** Window start (ISO): now − windowDays, or the last reinstatement if later (signals before it were answered). */
  windowStart: string;
  windowEnd: string;
  total: ScopeFacts;
  campaigns: ScopeFacts[];
  providers: ProviderFacts[];
  /**
   * Share of the send log's sends (in the window) that went to feedback-loop providers; null when the send log
   * has fewer than minVolume sends in the window (then complaint rates use delivered as is).
   */
  fblShare: number | null;
  /** Ids of counted reports behind the signals (evidence), newest first, at most 10. */
  sampleReportIds: number[];
}

/** One signal judged in one scope. */
export interface SignalAssessment {
  signal: SignalName;
  campaign: string | null;
  /** Numerator (counted signals). */
  k: number;
  /** Denominator for rates (null for count signals). */
  n: number | null;
  /** Point estimate (rates) or the count. */
  value: number;
  /** Wilson lower bound (rates only; null for counts or below the minimum volume). */
  lowerBound: number | null;
  /** Rate signals below minVolume are not judged. */
  belowMinimum: boolean;
  /** The highest state this signal reaches ('active' when none). */
  level: ClientStatus;
  /** The threshold crossed for `level`, or the next one not yet crossed; null when none is configured. */
  threshold: number | null;
  /** One sentence for staff, e.g. "complaint rate 0.31 % (lower bound 0.27 %) of 2,000 delivered ≥ suspend 0.25 %". */
  text: string;
}

export interface StatusChange {
  from: ClientStatus;
  to: ClientStatus;
  /** Why, for the audit entry, the ticket, the webhook and the history. */
  reason: string;
}

export interface Assessment {
  status: ClientStatus;
  /** The highest level any signal reaches (before hysteresis and autoSuspend). */
  target: ClientStatus;
  /** The change automatic enforcement makes now, or null (no change, hysteresis holds, or suspended waits for staff). */
  change: StatusChange | null;
  /** A suspension policy asks for but autoSuspend forbids (staff decide); null otherwise. */
  proposal: string | null;
  signals: SignalAssessment[];
  /** Why the status stays or changes (shown in the UI even when nothing changes). */
  reasons: string[];
  /**
   * Set when evidence counted on a token alone (not authenticated, not corroborated) would take the client
   * further than one level or to suspended: what the step was capped at and why; null otherwise.
   */
  cap: string | null;
}

export interface ScoreFactor {
  factor: ScoreFactorName;
  /** The measured value (a rate, a count, or the non-engagement share); null when unknown. */
  value: number | null;
  /** Points taken off (0 … weight), rounded to 0.1. */
  penalty: number;
  /** e.g. "complaint rate 0.12 % of the 0.25 % policy: −19.2". */
  text: string;
}

export interface ReputationScore {
  /** 0–100, integer: 100 minus the penalties. */
  score: number;
  /** Every factor, biggest penalty first. */
  factors: ScoreFactor[];
}
