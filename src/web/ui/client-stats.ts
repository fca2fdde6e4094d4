import type { Database } from 'better-sqlite3';
import { prepared } from '../../db/prepared.ts';

/** Complaints count FBL (not `not-spam`) and human complaints; bounces count every bounce report. */
const COMPLAINT = `r.kind IN ('fbl', 'complaint') AND coalesce(r.feedback_type, '') <> 'not-spam'`;

export interface CampaignStats {
  slug: string;
  name: string;
  sent: number;
  delivered: number;
  startedAt: string | null;
  complaints: number;
  bounces: number;
}

export function campaignStats(db: Database, clientSlug: string): CampaignStats[] {
  return prepared(
    db,
    `SELECT k.slug, k.name, k.sent, k.delivered, k.started_at AS startedAt,
       (SELECT count(*) FROM reports r WHERE r.campaign_id = k.id AND ${COMPLAINT}) AS complaints,
       (SELECT count(*) FROM reports r WHERE r.campaign_id = k.id AND r.kind = 'bounce') AS bounces
     FROM campaigns k JOIN clients c ON c.id = k.client_id WHERE c.slug = ? ORDER BY k.started_at DESC, k.slug`,
  ).all(clientSlug) as CampaignStats[];
}

/** Complaints per campaign per UTC day (the chart's points). */
export function dailyComplaints(db: Database, clientSlug: string, sinceIso: string): Array<{ campaign: string; day: string; complaints: number }> {
  return prepared(
    db,
    `SELECT k.slug AS campaign, substr(r.created_at, 1, 10) AS day, count(*) AS complaints
     FROM reports r JOIN campaigns k ON k.id = r.campaign_id JOIN clients c ON c.id = k.client_id
     WHERE c.slug = ? AND r.created_at >= ? AND ${COMPLAINT} GROUP BY k.slug, day ORDER BY day`,
  ).all(clientSlug, sinceIso) as Array<{ campaign: string; day: string; complaints: number }>;
}
