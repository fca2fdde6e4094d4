import { z } from 'zod';
import { writeAudit } from '../../../audit/write-audit.ts';
import { campaignInputSchema } from '../../../clients/client-records.ts';
import { upsertCampaign } from '../../../clients/client-store.ts';
import { prepared } from '../../../db/prepared.ts';
import { enforceClient } from '../../../enforcement/enforce-client.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { HttpError } from '../http-error.ts';
import { slugField } from '../query-fields.ts';

const campaignSql = `SELECT k.slug, c.slug AS client, k.name, k.sent, k.delivered, k.engaged, k.started_at AS startedAt, k.created_at AS createdAt, k.updated_at AS updatedAt
  FROM campaigns k JOIN clients c ON c.id = k.client_id WHERE (@client IS NULL OR c.slug = @client) AND (@slug IS NULL OR k.slug = @slug)
  ORDER BY c.slug, k.slug`;

export const campaignRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/campaigns',
    role: 'viewer',
    summary: 'Campaigns with their sent and delivered counts',
    query: z.object({ client: slugField.optional() }),
    handle: ({ query, deps }) => ({ items: prepared(deps.db, campaignSql).all({ client: query.client ?? null, slug: null }) }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/campaigns/:slug',
    role: 'admin',
    summary: 'Create or update a campaign with its sent and delivered counts (the denominators of complaint rates)',
    params: z.object({ slug: slugField }),
    body: campaignInputSchema.omit({ slug: true }),
    handle: ({ params, body, deps, actor, now }) => {
      deps.db.transaction(() => {
        let campaignId: number;
        try {
          campaignId = upsertCampaign(deps.db, { ...body, slug: params.slug }, now);
        } catch (e) {
          // upsertCampaign's refusals: an unknown client, or a slug that belongs to another client.
          const message = (e as Error).message;
          if (/unknown client/.test(message)) throw new HttpError(400, 'invalid_input', message, [{ in: 'body', path: 'client', message }]);
          if (/another client/.test(message)) throw new HttpError(409, 'conflict', message);
          throw e;
        }
        writeAudit(deps.db, { actor, action: 'campaign.upsert', target: params.slug, detail: { client: body.client, sent: body.sent, delivered: body.delivered, engaged: body.engaged ?? null }, now });
        // New denominators move the rates: re-assess the client now rather than at the next report or sweep.
        const { clientId } = prepared(deps.db, 'SELECT client_id AS clientId FROM campaigns WHERE id = ?').get(campaignId) as { clientId: number };
        enforceClient(deps.db, clientId, deps.enforcement, now);
      })();
      return prepared(deps.db, campaignSql).get({ client: null, slug: params.slug });
    },
  }),
];
