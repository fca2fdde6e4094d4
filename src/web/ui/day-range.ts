/** A `from`–`to` filter of whole UTC days, as typed in two `<input type="date">` fields. */
export interface DayRange {
  from: string | undefined;
  to: string | undefined;
  /** ISO instant of the start of `from` (inclusive). */
  since: string | undefined;
  /** ISO instant of the start of the day after `to` (exclusive). */
  until: string | undefined;
  /** Why the range was not used, to show next to the filters. */
  error: string | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (s: string): boolean => DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/** Reads `from` and `to` (YYYY-MM-DD, either may be empty); a bad or reversed range is reported, not used. */
export function dayRange(q: { from?: unknown; to?: unknown }): DayRange {
  const from = typeof q.from === 'string' && q.from.trim() ? q.from.trim() : undefined;
  const to = typeof q.to === 'string' && q.to.trim() ? q.to.trim() : undefined;
  const none = { from, to, since: undefined, until: undefined };
  if ((from && !isDay(from)) || (to && !isDay(to)))
    return { ...none, error: 'Dates must be written YYYY-MM-DD.' };
  if (from && to && from > to) return { ...none, error: 'The “from” date is after the “to” date.' };
  return {
    from,
    to,
    since: from ? `${from}T00:00:00.000Z` : undefined,
    until: to ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString() : undefined,
    error: undefined,
  };
}
