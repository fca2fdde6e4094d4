import type { Database } from 'better-sqlite3';
import type { CampaignInput, ClientInput } from './client-records.ts';

export interface ClientRow {
  id: number;
  slug: string;
  name: string;
  contact_email: string | null;
  language: string;
  status: string;
  webhook_url: string | null;
  created_at: string;
  updated_at: string;
}

/** Inserts or updates a client by slug, and claims its sending domains. */
export function upsertClient(db: Database, c: ClientInput, now: Date): number {
  const at = now.toISOString();
  const row = db
    .prepare(
      `INSERT INTO clients (slug, name, contact_email, language, webhook_url, webhook_secret, created_at, updated_at)
       VALUES (@slug, @name, @contactEmail, @language, @webhookUrl, @webhookSecret, @at, @at)
       ON CONFLICT (slug) DO UPDATE SET name = excluded.name, contact_email = excluded.contact_email, language = excluded.language,
         webhook_url = coalesce(excluded.webhook_url, webhook_url), webhook_secret = coalesce(excluded.webhook_secret, webhook_secret),
         updated_at = excluded.updated_at
       RETURNING id`,
    )
    .get({ ...c, contactEmail: c.contactEmail ?? null, webhookUrl: c.webhookUrl ?? null, webhookSecret: c.webhookSecret ?? null, at }) as { id: number };
  const claim = db.prepare('INSERT INTO client_domains (domain, client_id) VALUES (?, ?) ON CONFLICT (domain) DO UPDATE SET client_id = excluded.client_id');
  for (const d of c.domains) claim.run(d, row.id);
  return row.id;
}

/** Inserts or updates a campaign by slug; the client must exist. */
export function upsertCampaign(db: Database, c: CampaignInput, now: Date): number {
  const client = db.prepare('SELECT id FROM clients WHERE slug = ?').get(c.client) as { id: number } | undefined;
  if (!client) throw new Error(`unknown client "${c.client}" (import it first)`);
  const at = now.toISOString();
  const row = db
    .prepare(
      `INSERT INTO campaigns (client_id, slug, name, sent, delivered, engaged, started_at, created_at, updated_at)
       VALUES (@clientId, @slug, @name, @sent, @delivered, @engaged, @startedAt, @at, @at)
       ON CONFLICT (slug) DO UPDATE SET name = excluded.name, sent = excluded.sent, delivered = excluded.delivered, engaged = coalesce(excluded.engaged, engaged),
         started_at = coalesce(excluded.started_at, started_at), updated_at = excluded.updated_at
       WHERE client_id = excluded.client_id
       RETURNING id`,
    )
    .get({ clientId: client.id, slug: c.slug, name: c.name ?? c.slug, sent: c.sent, delivered: c.delivered, engaged: c.engaged ?? null, startedAt: c.startedAt ?? null, at }) as
    | { id: number }
    | undefined;
  if (!row) throw new Error(`campaign "${c.slug}" belongs to another client`);
  return row.id;
}

export function listClients(db: Database): ClientRow[] {
  return db.prepare('SELECT id, slug, name, contact_email, language, status, webhook_url, created_at, updated_at FROM clients ORDER BY slug').all() as ClientRow[];
}
