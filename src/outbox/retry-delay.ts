/**
 * Delay before the next delivery attempt after `attempts` failures: base · 2^(attempts−1), capped at
 * maxMs, so a relay that is down for hours is retried every maxMs rather than every few days.
 */
export function retryDelay(attempts: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(Math.max(attempts - 1, 0), 30); // 2^30 · base already exceeds any sane cap
  return Math.min(baseMs * 2 ** exp, maxMs);
}
