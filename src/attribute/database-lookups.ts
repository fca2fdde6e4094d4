import type { Database } from 'better-sqlite3';
import type { AttributionLookups, CampaignRef, ClientRef, OpenedToken, SendRef } from './attribution-lookups.ts';

/** AttributionLookups over the SQLite database; statements prepared once. */
export function databaseLookups(db: Database, openToken: (token: string) => OpenedToken | null): AttributionLookups {
  const clientBySlug = db.prepare('SELECT id, slug FROM clients WHERE slug = ?');
  const clientById = db.prepare('SELECT id, slug FROM clients WHERE id = ?');
  const campaignBySlug = db.prepare('SELECT id, slug, client_id AS clientId FROM campaigns WHERE slug = ?');
  const campaignById = db.prepare('SELECT id, slug, client_id AS clientId FROM campaigns WHERE id = ?');
  const clientByDomain = db.prepare('SELECT c.id, c.slug FROM client_domains d JOIN clients c ON c.id = d.client_id WHERE d.domain = ?');
  const campaignAt = db.prepare(
    `SELECT id, slug, client_id AS clientId FROM campaigns WHERE client_id = ? AND started_at IS NOT NULL AND started_at <= ? ORDER BY started_at DESC LIMIT 1`,
  );
  const sendColumns = 'id, recipient, client_id AS clientId, campaign_id AS campaignId, sent_at AS sentAt';
  const sendById = db.prepare(`SELECT ${sendColumns} FROM sends WHERE id = ?`);
  const sendByMessageId = db.prepare(`SELECT ${sendColumns} FROM sends WHERE message_id = ? ORDER BY id LIMIT 1`);
  return {
    openToken,
    clientBySlug: (slug) => (clientBySlug.get(slug) as ClientRef | undefined) ?? null,
    clientById: (id) => (clientById.get(id) as ClientRef | undefined) ?? null,
    campaignBySlug: (slug) => (campaignBySlug.get(slug) as CampaignRef | undefined) ?? null,
    campaignById: (id) => (campaignById.get(id) as CampaignRef | undefined) ?? null,
    clientByDomain: (domain) => (clientByDomain.get(domain) as ClientRef | undefined) ?? null,
    campaignAt: (clientId, at) => (campaignAt.get(clientId, at.toISOString()) as CampaignRef | undefined) ?? null,
    sendById: (id) => (sendById.get(id) as SendRef | undefined) ?? null,
    sendByMessageId: (messageId) => (sendByMessageId.get(messageId) as SendRef | undefined) ?? null,
  };
}
