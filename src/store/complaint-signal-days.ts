import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/** Counted (trusted) complaint signals of one client per UTC day and campaign (null: about no campaign). */
export interface ComplaintSignalDay {
  day: string;
  campaign: string | null;
  complaints: number;
}

/**
 * The complaint signals enforcement counts (client_signals, counts = 1) between `since` and `until` inclusive,
 * by day and campaign: the numerators of the client page's complaint-rate chart, the same ones its gauges use.
 */
export function countedComplaintsByDay(
  db: Database,
  clientId: number,
  since: string,
  until: string,
): ComplaintSignalDay[] {
  return prepared(
    db,
    `SELECT substr(s.at, 1, 10) AS day, k.slug AS campaign, sum(s.counts) AS complaints
     FROM client_signals s LEFT JOIN campaigns k ON k.id = s.campaign_id
     WHERE s.client_id = ? AND s.signal = 'complaint' AND s.at >= ? AND s.at <= ?
     GROUP BY day, s.campaign_id, k.slug ORDER BY day`,
  ).all(clientId, since, until) as ComplaintSignalDay[];
}
