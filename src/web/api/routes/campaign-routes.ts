import { z } from 'zod';
import { writeAudit } from '../../../store/audit-store.ts';
import { campaignInputSchema } from '../../../clients/client-records.ts';
import { upsertCampaign } from '../../../store/clients-store.ts';
import { campaignRefById, campaignView, listCampaigns } from '../../../store/campaigns-store.ts';
import { enforceClient } from '../../../enforcement/enforce-client.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { HttpError } from '../http-error.ts';
import { slugField } from '../query-fields.ts';

export const campaignRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/campaigns',
    role: 'viewer',
    summary: 'Campaigns with their sent and delivered counts',
    query: z.object({ client: slugField.optional() }),
    handle: ({ query, deps }) => ({ items: listCampaigns(deps.db, query.client ?? null) }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/campaigns/:slug',
    role: 'admin',
    summary:
      'Create or update a campaign with its sent and delivered counts (the denominators of complaint rates)',
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
          if (/unknown client/.test(message))
            throw new HttpError(400, 'invalid_input', message, [{ in: 'body', path: 'client', message }]);
          if (/another client/.test(message)) throw new HttpError(409, 'conflict', message);
          throw e;
        }
        writeAudit(deps.db, {
          actor,
          action: 'campaign.upsert',
          target: params.slug,
          detail: {
            client: body.client,
            sent: body.sent,
            delivered: body.delivered,
            engaged: body.engaged ?? null,
          },
          now,
        });
        // New denominators move the rates: re-assess the client now rather than at the next report or sweep.
        const { clientId } = campaignRefById(deps.db, campaignId)!;
        enforceClient(deps.db, clientId, deps.enforcement, now);
      })();
      return campaignView(deps.db, params.slug);
    },
  }),
];
