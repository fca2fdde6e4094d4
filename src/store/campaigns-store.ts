import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import { COMPLAINT_REPORT } from './reports-store.ts';

/** Complaints per campaign per UTC day (the chart's points). */
export function dailyComplaints(
  db: Database,
  clientSlug: string,
  sinceIso: string,
): Array<{ campaign: string; day: string; complaints: number }> {
  return prepared(
    db,
    `SELECT k.slug AS campaign, substr(r.created_at, 1, 10) AS day, count(*) AS complaints
     FROM reports r JOIN campaigns k ON k.id = r.campaign_id JOIN clients c ON c.id = k.client_id
     WHERE c.slug = ? AND r.created_at >= ? AND ${COMPLAINT_REPORT} GROUP BY k.slug, day ORDER BY day`,
  ).all(clientSlug, sinceIso) as Array<{ campaign: string; day: string; complaints: number }>;
}

export interface CampaignRef {
  id: number;
  slug: string;
  clientId: number;
}

export function campaignRefBySlug(db: Database, slug: string): CampaignRef | null {
  return (
    (prepared(db, 'SELECT id, slug, client_id AS clientId FROM campaigns WHERE slug = ?').get(slug) as
      CampaignRef | undefined) ?? null
  );
}

export function campaignRefById(db: Database, id: number): CampaignRef | null {
  return (
    (prepared(db, 'SELECT id, slug, client_id AS clientId FROM campaigns WHERE id = ?').get(id) as
      CampaignRef | undefined) ?? null
  );
}

/** The client's campaign running at `at`: the latest started at or before it. */
export function campaignRunningAt(db: Database, clientId: number, at: string): CampaignRef | null {
  return (
    (prepared(
      db,
      `SELECT id, slug, client_id AS clientId FROM campaigns WHERE client_id = ? AND started_at IS NOT NULL AND started_at <= ? ORDER BY started_at DESC LIMIT 1`,
    ).get(clientId, at) as CampaignRef | undefined) ?? null
  );
}

export function campaignSlugs(db: Database): string[] {
  return prepared(db, 'SELECT slug FROM campaigns ORDER BY slug').pluck().all() as string[];
}

export interface CampaignVolume {
  id: number;
  slug: string;
  sent: number;
  delivered: number;
  engaged: number | null;
}

/** The client's campaigns started (or, without a start, created) at or after `since`, oldest first. */
export function campaignsSince(db: Database, clientId: number, since: string): CampaignVolume[] {
  return prepared(
    db,
    `SELECT id, slug, sent, delivered, engaged FROM campaigns WHERE client_id = ? AND coalesce(started_at, created_at) >= ? ORDER BY coalesce(started_at, created_at), slug`,
  ).all(clientId, since) as CampaignVolume[];
}

/** A campaign as the API shows it. */
export interface CampaignView {
  slug: string;
  client: string;
  name: string;
  sent: number;
  delivered: number;
  engaged: number | null;
  startedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const campaignViewSql = `SELECT k.slug, c.slug AS client, k.name, k.sent, k.delivered, k.engaged, k.started_at AS startedAt, k.created_at AS createdAt, k.updated_at AS updatedAt
  FROM campaigns k JOIN clients c ON c.id = k.client_id WHERE (@client IS NULL OR c.slug = @client) AND (@slug IS NULL OR k.slug = @slug)
  ORDER BY c.slug, k.slug`;

/** Campaigns (of one client, when given), by client and slug. */
export function listCampaigns(db: Database, client: string | null): CampaignView[] {
  return prepared(db, campaignViewSql).all({ client, slug: null }) as CampaignView[];
}

export function campaignView(db: Database, slug: string): CampaignView | null {
  return (prepared(db, campaignViewSql).get({ client: null, slug }) as CampaignView | undefined) ?? null;
}

/** A client's campaigns with their lifetime complaint and bounce reports, newest first. */
export function clientCampaignStats(
  db: Database,
  clientId: number,
): Array<{
  slug: string;
  name: string;
  sent: number;
  delivered: number;
  engaged: number | null;
  startedAt: string | null;
  complaints: number;
  bounces: number;
}> {
  return prepared(
    db,
    `SELECT k.slug, k.name, k.sent, k.delivered, k.engaged, k.started_at AS startedAt,
       (SELECT count(*) FROM reports r WHERE r.campaign_id = k.id AND ${COMPLAINT_REPORT}) AS complaints,
       (SELECT count(*) FROM reports r WHERE r.campaign_id = k.id AND r.kind = 'bounce') AS bounces
     FROM campaigns k WHERE k.client_id = ? ORDER BY k.started_at DESC, k.slug`,
  ).all(clientId) as ReturnType<typeof clientCampaignStats>;
}
