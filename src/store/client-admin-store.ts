import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

// What admins edit on a client: its profile (name, abuse contact, language, sending domains) and its own
// webhook endpoint. Status and enforcement are changed elsewhere, with their evidence.

export interface ClientProfile {
  id: number;
  slug: string;
  name: string;
  /** The client's abuse contact (clients.contact_email). */
  contactEmail: string | null;
  language: string;
  status: string;
  domains: string[];
  webhookUrl: string | null;
  /** Whether a signing secret is set (the secret itself is never read back for display). */
  hasWebhookSecret: boolean;
  updatedAt: string;
}

export interface ClientProfileInput {
  slug: string;
  name: string;
  contactEmail: string | null;
  language: string;
  domains: string[];
}

/** Every client's profile, by slug. */
export function listClientProfiles(db: Database): ClientProfile[] {
  const rows = prepared(
    db,
    `SELECT c.id, c.slug, c.name, c.contact_email AS contactEmail, c.language, c.status, c.webhook_url AS webhookUrl,
       c.webhook_secret IS NOT NULL AS hasWebhookSecret, c.updated_at AS updatedAt,
       (SELECT json_group_array(domain) FROM (SELECT domain FROM client_domains d WHERE d.client_id = c.id ORDER BY domain)) AS domains
     FROM clients c ORDER BY c.slug`,
  ).all() as Array<
    Omit<ClientProfile, 'domains' | 'hasWebhookSecret'> & { domains: string; hasWebhookSecret: number }
  >;
  return rows.map((r) => ({
    ...r,
    domains: JSON.parse(r.domains) as string[],
    hasWebhookSecret: r.hasWebhookSecret === 1,
  }));
}

export function clientProfile(db: Database, slug: string): ClientProfile | null {
  return listClientProfiles(db).find((c) => c.slug === slug) ?? null;
}

/** The sending domains among `domains` that another client (not `clientId`) already claims, with its slug. */
export function domainsClaimedByOthers(
  db: Database,
  domains: readonly string[],
  clientId: number | null,
): Array<{ domain: string; slug: string }> {
  if (domains.length === 0) return [];
  return prepared(
    db,
    `SELECT d.domain, c.slug FROM client_domains d JOIN clients c ON c.id = d.client_id
     WHERE d.domain IN (SELECT value FROM json_each(@domains)) AND (@id IS NULL OR d.client_id <> @id) ORDER BY d.domain`,
  ).all({ domains: JSON.stringify(domains), id: clientId }) as Array<{ domain: string; slug: string }>;
}

function setDomains(db: Database, clientId: number, domains: readonly string[]): void {
  prepared(
    db,
    'DELETE FROM client_domains WHERE client_id = @id AND domain NOT IN (SELECT value FROM json_each(@domains))',
  ).run({ id: clientId, domains: JSON.stringify(domains) });
  const claim = prepared(
    db,
    'INSERT INTO client_domains (domain, client_id) VALUES (?, ?) ON CONFLICT (domain) DO NOTHING',
  );
  for (const d of domains) claim.run(d, clientId);
}

/** Creates a client (slug free, domains unclaimed: the caller checked); returns its id. */
export function insertClientProfile(db: Database, c: ClientProfileInput, now: Date): number {
  const at = now.toISOString();
  const id = Number(
    prepared(
      db,
      `INSERT INTO clients (slug, name, contact_email, language, created_at, updated_at) VALUES (@slug, @name, @contactEmail, @language, @at, @at)`,
    ).run({ slug: c.slug, name: c.name, contactEmail: c.contactEmail, language: c.language, at })
      .lastInsertRowid,
  );
  setDomains(db, id, c.domains);
  return id;
}

/** Updates a client's name, contact, language and exact set of sending domains (the slug never changes). */
export function updateClientProfile(
  db: Database,
  id: number,
  c: Omit<ClientProfileInput, 'slug'>,
  now: Date,
): void {
  prepared(
    db,
    'UPDATE clients SET name = @name, contact_email = @contactEmail, language = @language, updated_at = @at WHERE id = @id',
  ).run({ id, name: c.name, contactEmail: c.contactEmail, language: c.language, at: now.toISOString() });
  setDomains(db, id, c.domains);
}

/** Sets (or with null clears) the client's webhook URL; `secret` undefined keeps the current secret. */
export function setClientWebhookEndpoint(
  db: Database,
  id: number,
  e: { url: string | null; secret?: string | null },
  now: Date,
): void {
  prepared(
    db,
    `UPDATE clients SET webhook_url = @url, webhook_secret = CASE WHEN @keep = 1 THEN webhook_secret ELSE @secret END, updated_at = @at WHERE id = @id`,
  ).run({
    id,
    url: e.url,
    keep: e.secret === undefined ? 1 : 0,
    secret: e.secret ?? null,
    at: now.toISOString(),
  });
}

/** Every client's own endpoint URL (clients without one are left out). */
export function clientWebhookUrls(db: Database): string[] {
  return prepared(db, 'SELECT webhook_url FROM clients WHERE webhook_url IS NOT NULL ORDER BY slug')
    .pluck()
    .all() as string[];
}
