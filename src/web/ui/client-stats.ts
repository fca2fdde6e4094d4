import type { Database } from 'better-sqlite3';
import { prepared } from '../../db/prepared.ts';
import { COMPLAINT_REPORT } from '../../enforcement/client-view.ts';

/** Complaints per campaign per UTC day (the chart's points). */
export function dailyComplaints(db: Database, clientSlug: string, sinceIso: string): Array<{ campaign: string; day: string; complaints: number }> {
  return prepared(
    db,
    `SELECT k.slug AS campaign, substr(r.created_at, 1, 10) AS day, count(*) AS complaints
     FROM reports r JOIN campaigns k ON k.id = r.campaign_id JOIN clients c ON c.id = k.client_id
     WHERE c.slug = ? AND r.created_at >= ? AND ${COMPLAINT_REPORT} GROUP BY k.slug, day ORDER BY day`,
  ).all(clientSlug, sinceIso) as Array<{ campaign: string; day: string; complaints: number }>;
}
