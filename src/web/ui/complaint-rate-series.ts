import { complaintTrials } from '../../enforcement/assess-client.ts';
import type { ClientFacts, EnforcementPolicy } from '../../enforcement/enforcement-types.ts';
import type { ComplaintSignalDay } from '../../store/complaint-signal-days.ts';

export interface RateSeries {
  /** "all campaigns" for the client as a whole, else the campaign's slug. */
  label: string;
  /** The client-wide series (drawn heavier). */
  total: boolean;
  /** Complaint rate (0–1) at the end of each day, same order as the days; null where the denominator is 0. */
  rates: Array<number | null>;
}

const DAY_MS = 86_400_000;

/** The UTC days from the window's start to its end, inclusive (YYYY-MM-DD). */
export function windowDays(facts: Pick<ClientFacts, 'windowStart' | 'windowEnd'>): string[] {
  const first = Date.parse(`${facts.windowStart.slice(0, 10)}T00:00:00Z`);
  const last = Date.parse(`${facts.windowEnd.slice(0, 10)}T00:00:00Z`);
  const days: string[] = [];
  for (let t = first; t <= last && days.length < 400; t += DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * The complaint rate as enforcement defines it — counted complaints ÷ complaintTrials(delivered of the
 * campaigns started in the window, scaled to feedback-loop providers) — accumulated day by day over the
 * assessment's window. Numerators and denominator are the assessment's own, so each series ends exactly at
 * the value its gauge shows: the chart shows how the window's rate built up, not a second definition.
 */
export function complaintRateSeries(
  facts: ClientFacts,
  policy: Pick<EnforcementPolicy, 'fblShareFloor'>,
  daily: readonly ComplaintSignalDay[],
  maxCampaigns = 6,
): { days: string[]; series: RateSeries[] } {
  const days = windowDays(facts);
  const inWindow = new Map(facts.campaigns.map((c) => [c.campaign!, c]));
  const rate = (k: number, delivered: number): number | null => {
    const n = complaintTrials(delivered, k, facts.fblShare, policy.fblShareFloor);
    return n > 0 ? k / n : null;
  };
  const cumulative = (counts: (row: ComplaintSignalDay) => boolean): number[] => {
    let k = 0;
    let at = 0;
    const sorted = daily.filter(counts);
    return days.map((d) => {
      while (at < sorted.length && sorted[at]!.day <= d) k += sorted[at++]!.complaints;
      return k;
    });
  };
  // As clientFacts: a complaint about a campaign started before the window has no denominator here.
  const counted = (r: ComplaintSignalDay): boolean => r.campaign === null || inWindow.has(r.campaign);
  const total: RateSeries = {
    label: 'all campaigns',
    total: true,
    rates: cumulative(counted).map((k) => rate(k, facts.total.volume.delivered)),
  };
  const campaigns = [...inWindow.values()]
    .filter((c) => c.counts.complaints > 0)
    .sort((a, b) => b.counts.complaints - a.counts.complaints)
    .slice(0, maxCampaigns)
    .map((c): RateSeries => ({
      label: c.campaign!,
      total: false,
      rates: cumulative((r) => r.campaign === c.campaign).map((k) => rate(k, c.volume.delivered)),
    }));
  return { days, series: [total, ...campaigns] };
}
