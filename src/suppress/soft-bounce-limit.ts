import type { SoftBounceHistory } from '../store/soft-bounces-store.ts';
import type { SuppressionRules } from './suppression-rules.ts';

/**
 * The soft-bounce limit, decided from an address's history: `softBounceLimit` soft bounces within the window and
 * none of its sends delivered since suppress it (reason soft-bounce-limit), with the bounces as evidence. Returns
 * why, or null when the limit is not reached (or is off).
 */
export function softBounceLimitReached(
  history: SoftBounceHistory,
  rules: Pick<SuppressionRules, 'softBounceLimit' | 'softBounceWindowDays'>,
): string | null {
  if (rules.softBounceLimit <= 0 || history.reportIds.length < rules.softBounceLimit) return null;
  return `${history.reportIds.length} soft bounces within ${rules.softBounceWindowDays} days with no delivery since${
    history.lastDeliveryAt ? ` the last one (${history.lastDeliveryAt})` : ''
  } (limit ${rules.softBounceLimit}; reports ${history.reportIds.join(', ')})`;
}
