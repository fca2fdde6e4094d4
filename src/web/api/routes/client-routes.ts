import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { writeAudit } from '../../../audit/write-audit.ts';
import { clientInputSchema } from '../../../clients/client-records.ts';
import { upsertClient } from '../../../clients/client-store.ts';
import { prepared } from '../../../db/prepared.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { HttpError, notFound } from '../http-error.ts';
import { slugField } from '../query-fields.ts';

const clientStatuses = ['active', 'watch', 'warned', 'suspended'] as const;

// Complaints are fbl and complaint reports charged to the client; rates are per delivered (complaints) and
// per sent (bounces) message, as the campaigns' counts say (null until the ESP has sent counts).
const statsSql = `SELECT c.id, c.slug, c.name, c.status, c.language, c.contact_email AS contactEmail, c.webhook_url AS webhookUrl,
    c.created_at AS createdAt, c.updated_at AS updatedAt,
    (SELECT count(*) FROM reports r WHERE r.client_id = c.id AND r.kind IN ('fbl', 'complaint')) AS complaints,
    (SELECT count(*) FROM reports r WHERE r.client_id = c.id AND r.kind = 'bounce') AS bounces,
    (SELECT count(*) FROM suppressions s WHERE s.client_id = c.id) AS suppressions,
    (SELECT count(*) FROM tickets t WHERE t.client_id = c.id AND t.status <> 'resolved') AS openTickets,
    (SELECT coalesce(sum(sent), 0) FROM campaigns k WHERE k.client_id = c.id) AS sent,
    (SELECT coalesce(sum(delivered), 0) FROM campaigns k WHERE k.client_id = c.id) AS delivered
  FROM clients c WHERE (@status IS NULL OR c.status = @status) AND (@slug IS NULL OR c.slug = @slug) ORDER BY c.slug`;

interface ClientStats {
  id: number;
  slug: string;
  status: string;
  complaints: number;
  bounces: number;
  sent: number;
  delivered: number;
  [k: string]: unknown;
}

const withRates = ({ id: _id, ...c }: ClientStats) => ({
  ...c,
  complaintRate: c.delivered > 0 ? c.complaints / c.delivered : null,
  bounceRate: c.sent > 0 ? c.bounces / c.sent : null,
});

function clientStats(db: Database, o: { status?: string | undefined; slug?: string | undefined }): ClientStats[] {
  return prepared(db, statsSql).all({ status: o.status ?? null, slug: o.slug ?? null }) as ClientStats[];
}

const slugParams = z.object({ slug: slugField });

/** suspend / reinstate: the status and an audit entry; enforcement (issue 6) reads the status. */
const statusChange = (action: 'suspend' | 'reinstate', to: 'suspended' | 'active'): ApiRoute =>
  defineRoute({
    method: 'POST',
    path: `/clients/:slug/${action}`,
    role: 'admin',
    summary: action === 'suspend' ? 'Suspend a client (status suspended), with the reason' : 'Reinstate a client (status active), with the reason',
    params: slugParams,
    body: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
    handle: ({ params, body, deps, actor, now }) => {
      deps.db.transaction(() => {
        const c = prepared(deps.db, 'SELECT id, status FROM clients WHERE slug = ?').get(params.slug) as { id: number; status: string } | undefined;
        if (!c) throw notFound(`client "${params.slug}"`);
        if (c.status === to) throw new HttpError(409, 'conflict', `client "${params.slug}" is already ${to}`);
        prepared(deps.db, 'UPDATE clients SET status = ?, updated_at = ? WHERE id = ?').run(to, now.toISOString(), c.id);
        writeAudit(deps.db, { actor, action: `client.${action}`, target: params.slug, detail: { from: c.status, to, reason: body.reason }, now });
      })();
      return withRates(clientStats(deps.db, { slug: params.slug })[0]!);
    },
  });

export const clientRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/clients',
    role: 'viewer',
    summary: 'Clients with status, complaint/bounce/suppression counts and rates',
    query: z.object({ status: z.enum(clientStatuses).optional() }),
    handle: ({ query, deps }) => ({ items: clientStats(deps.db, query).map(withRates) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/clients/:slug',
    role: 'viewer',
    summary: 'One client: counts and rates, sending domains, campaigns with their complaint counts',
    params: slugParams,
    handle: ({ params, deps }) => {
      const c = clientStats(deps.db, { slug: params.slug })[0];
      if (!c) throw notFound(`client "${params.slug}"`);
      const domains = (prepared(deps.db, 'SELECT domain FROM client_domains WHERE client_id = ? ORDER BY domain').all(c.id) as Array<{ domain: string }>).map((d) => d.domain);
      const campaigns = prepared(
        deps.db,
        `SELECT k.slug, k.name, k.sent, k.delivered, k.started_at AS startedAt,
           (SELECT count(*) FROM reports r WHERE r.campaign_id = k.id AND r.kind IN ('fbl', 'complaint')) AS complaints
         FROM campaigns k WHERE k.client_id = ? ORDER BY k.started_at DESC, k.slug`,
      ).all(c.id);
      return { ...withRates(c), domains, campaigns };
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/clients/:slug',
    role: 'admin',
    summary: 'Create or update a client and claim its sending domains',
    params: slugParams,
    body: clientInputSchema.omit({ slug: true }),
    handle: ({ params, body, deps, actor, now }) => {
      deps.db.transaction(() => {
        upsertClient(deps.db, { ...body, slug: params.slug }, now);
        writeAudit(deps.db, { actor, action: 'client.upsert', target: params.slug, detail: { name: body.name, domains: body.domains }, now });
      })();
      return withRates(clientStats(deps.db, { slug: params.slug })[0]!);
    },
  }),
  statusChange('suspend', 'suspended'),
  statusChange('reinstate', 'active'),
];
