import type { Database } from 'better-sqlite3';
import type { CampaignInput, ClientInput } from '../clients/client-records.ts';
import { prepared } from '../db/prepared.ts';
import type { ClientStatus } from '../enforcement/enforcement-types.ts';

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
  const row = prepared(
    db,
    `INSERT INTO clients (slug, name, contact_email, language, webhook_url, webhook_secret, created_at, updated_at)
       VALUES (@slug, @name, @contactEmail, @language, @webhookUrl, @webhookSecret, @at, @at)
       ON CONFLICT (slug) DO UPDATE SET name = excluded.name, contact_email = excluded.contact_email, language = excluded.language,
         webhook_url = coalesce(excluded.webhook_url, webhook_url), webhook_secret = coalesce(excluded.webhook_secret, webhook_secret),
         updated_at = excluded.updated_at
       RETURNING id`,
  ).get({
    ...c,
    contactEmail: c.contactEmail ?? null,
    webhookUrl: c.webhookUrl ?? null,
    webhookSecret: c.webhookSecret ?? null,
    at,
  }) as { id: number };
  const claim = prepared(
    db,
    'INSERT INTO client_domains (domain, client_id) VALUES (?, ?) ON CONFLICT (domain) DO UPDATE SET client_id = excluded.client_id',
  );
  for (const d of c.domains) claim.run(d, row.id);
  return row.id;
}

/** Inserts or updates a campaign by slug; the client must exist. */
export function upsertCampaign(db: Database, c: CampaignInput, now: Date): number {
  const clientId = clientIdBySlug(db, c.client);
  if (clientId === null) throw new Error(`unknown client "${c.client}" (import it first)`);
  const at = now.toISOString();
  const row = prepared(
    db,
    `INSERT INTO campaigns (client_id, slug, name, sent, delivered, engaged, started_at, created_at, updated_at)
       VALUES (@clientId, @slug, @name, @sent, @delivered, @engaged, @startedAt, @at, @at)
       ON CONFLICT (slug) DO UPDATE SET name = excluded.name, sent = excluded.sent, delivered = excluded.delivered, engaged = coalesce(excluded.engaged, engaged),
         started_at = coalesce(excluded.started_at, started_at), updated_at = excluded.updated_at
       WHERE client_id = excluded.client_id
       RETURNING id`,
  ).get({
    clientId,
    slug: c.slug,
    name: c.name ?? c.slug,
    sent: c.sent,
    delivered: c.delivered,
    engaged: c.engaged ?? null,
    startedAt: c.startedAt ?? null,
    at,
  }) as { id: number } | undefined;
  if (!row) throw new Error(`campaign "${c.slug}" belongs to another client`);
  return row.id;
}

export function listClients(db: Database): ClientRow[] {
  return prepared(
    db,
    'SELECT id, slug, name, contact_email, language, status, webhook_url, created_at, updated_at FROM clients ORDER BY slug',
  ).all() as ClientRow[];
}

/** A client's row id by slug, or null. */
export function clientIdBySlug(db: Database, slug: string): number | null {
  return (
    (prepared(db, 'SELECT id FROM clients WHERE slug = ?').pluck().get(slug) as number | undefined) ?? null
  );
}

/** A client's id and status by slug, or null. */
export function clientStatusBySlug(db: Database, slug: string): { id: number; status: ClientStatus } | null {
  return (
    (prepared(db, 'SELECT id, status FROM clients WHERE slug = ?').get(slug) as
      { id: number; status: ClientStatus } | undefined) ?? null
  );
}

export function countClients(db: Database): number {
  return prepared(db, 'SELECT count(*) FROM clients').pluck().get() as number;
}

/** Client ids in slug order. */
export function clientIds(db: Database): number[] {
  return prepared(db, 'SELECT id FROM clients ORDER BY slug').pluck().all() as number[];
}

/** The client's own webhook endpoint, or null. */
export function clientWebhookUrl(db: Database, clientId: number): string | null {
  return (
    (prepared(db, 'SELECT webhook_url FROM clients WHERE id = ?').pluck().get(clientId) as
      string | null | undefined) ?? null
  );
}

/** The secret of the client's own webhook endpoint, read at send time so a rotation applies to retries. */
export function clientWebhookSecret(db: Database, clientId: number): string | null {
  return (
    (prepared(db, 'SELECT webhook_secret FROM clients WHERE id = ?').pluck().get(clientId) as
      string | null | undefined) ?? null
  );
}

export interface ClientEnforcementRow {
  id: number;
  slug: string;
  status: ClientStatus;
  score: number | null;
  statusChangedAt: string | null;
  /** Start of the enforcement window set by the last reinstatement (null: the rolling window alone). */
  since: string | null;
}

export function clientForEnforcement(db: Database, clientId: number): ClientEnforcementRow | null {
  return (
    (prepared(
      db,
      'SELECT id, slug, status, score, status_changed_at AS statusChangedAt, enforcement_since AS since FROM clients WHERE id = ?',
    ).get(clientId) as ClientEnforcementRow | undefined) ?? null
  );
}

/** Sets the status; `restartWindow` also starts the enforcement window at `at` (staff lowered the status). */
export function updateClientStatus(
  db: Database,
  clientId: number,
  status: ClientStatus,
  at: string,
  restartWindow: boolean,
): void {
  prepared(
    db,
    `UPDATE clients SET status = ?, status_changed_at = ?, updated_at = ?, enforcement_since = CASE WHEN ? THEN ? ELSE enforcement_since END WHERE id = ?`,
  ).run(status, at, at, restartWindow ? 1 : 0, at, clientId);
}

/** Stores the latest assessment (JSON) and score on the client. */
export function saveClientAssessment(
  db: Database,
  clientId: number,
  score: number,
  assessment: string,
  at: string,
): void {
  prepared(db, 'UPDATE clients SET score = ?, assessment = ?, assessed_at = ? WHERE id = ?').run(
    score,
    assessment,
    at,
    clientId,
  );
}

/** The stored assessment (JSON), or null before the first. */
export function clientAssessmentJson(db: Database, clientId: number): string | null {
  return (
    (prepared(db, 'SELECT assessment FROM clients WHERE id = ?').pluck().get(clientId) as
      string | null | undefined) ?? null
  );
}

export function clientDomains(db: Database, clientId: number): string[] {
  return prepared(db, 'SELECT domain FROM client_domains WHERE client_id = ? ORDER BY domain')
    .pluck()
    .all(clientId) as string[];
}

/** Clients per status (metrics). */
export function clientCountsByStatus(db: Database): Array<{ status: string; n: number }> {
  return prepared(db, 'SELECT status, count(*) AS n FROM clients GROUP BY status').all() as Array<{
    status: string;
    n: number;
  }>;
}

/** Every client's reputation score that has one (metrics). */
export function clientScores(db: Database): Array<{ slug: string; score: number }> {
  return prepared(db, 'SELECT slug, score FROM clients WHERE score IS NOT NULL').all() as Array<{
    slug: string;
    score: number;
  }>;
}

export interface ClientRef {
  id: number;
  slug: string;
}

export function clientRefBySlug(db: Database, slug: string): ClientRef | null {
  return (
    (prepared(db, 'SELECT id, slug FROM clients WHERE slug = ?').get(slug) as ClientRef | undefined) ?? null
  );
}

export function clientRefById(db: Database, id: number): ClientRef | null {
  return (prepared(db, 'SELECT id, slug FROM clients WHERE id = ?').get(id) as ClientRef | undefined) ?? null;
}

/** The client that claimed a sending domain, or null. */
export function clientRefByDomain(db: Database, domain: string): ClientRef | null {
  return (
    (prepared(
      db,
      'SELECT c.id, c.slug FROM client_domains d JOIN clients c ON c.id = d.client_id WHERE d.domain = ?',
    ).get(domain) as ClientRef | undefined) ?? null
  );
}
