import type { Config } from '../config/config-schema.ts';
import { addressHash } from '../privacy/address-hash.ts';
import type { SuppressionReason } from '../store/vocabulary.ts';

/** The suppression policy from config (`suppressions` and `privacy.hashKey`): expiry, the soft-bounce limit, streams. */
export interface SuppressionRules {
  /** Days until a suppression of each reason expires (null: never). */
  expiryDays: Readonly<Record<SuppressionReason, number | null>>;
  softBounceLimit: number;
  softBounceWindowDays: number;
  /** Reasons a report suppresses for the stream of the reported mail only (when the send log names one). */
  streamReasons: readonly SuppressionReason[];
  /** The keyed hash of an address (privacy.hashKey), to match erased suppressions. */
  hash: (address: string) => string;
}

export function suppressionRules(config: Config): SuppressionRules {
  const key = config.privacy.hashKey;
  return {
    expiryDays: config.suppressions.expiryDays,
    softBounceLimit: config.suppressions.softBounceLimit,
    softBounceWindowDays: config.suppressions.softBounceWindowDays,
    streamReasons: config.suppressions.streamReasons,
    hash: (address) => addressHash(key, address),
  };
}

const DAY_MS = 86_400_000;

/** When a suppression of this reason added at `now` expires, or null when it never does. */
export function expiresAtFor(
  rules: Pick<SuppressionRules, 'expiryDays'>,
  reason: SuppressionReason,
  now: Date,
): Date | null {
  const days = rules.expiryDays[reason];
  return days === null || days === undefined ? null : new Date(now.getTime() + days * DAY_MS);
}

export const daysBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);
