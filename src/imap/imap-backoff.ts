/**
 * Delay before reconnecting after `failures` failures in a row: base · 2^(failures−1), capped at `maxMs`, then
 * jittered down by up to half ("equal jitter"), so sources that failed together (a provider outage) do not
 * all reconnect in the same second.
 */
export function imapBackoff(failures: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exp = Math.min(Math.max(failures - 1, 0), 30);
  const capped = Math.min(baseMs * 2 ** exp, maxMs);
  return Math.round(capped / 2 + (capped / 2) * random());
}
