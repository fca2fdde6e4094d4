import { z } from 'zod';
import { clientIdBySlug } from '../../../store/clients-store.ts';
import { writeAudit } from '../../../store/audit-store.ts';
import { clientInputSchema } from '../../../clients/client-records.ts';
import { upsertClient } from '../../../store/clients-store.ts';
import { clientStatusHistory } from '../../../store/enforcement-store.ts';
import { clientDetail, clientSummaries, type ClientSummary } from '../../../store/client-read-model.ts';
import { consentAnswersSchema } from '../../../enforcement/consent-answers.ts';
import { enforceClient } from '../../../enforcement/enforce-client.ts';
import { clientStatuses } from '../../../enforcement/enforcement-types.ts';
import {
  reinstateClient,
  setClientStatus,
  StatusActionError,
} from '../../../enforcement/staff-status-actions.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { HttpError, notFound } from '../http-error.ts';
import { slugField } from '../query-fields.ts';

const slugParams = z.object({ slug: slugField });
const note = z.string().trim().min(1, 'a note is required: say why').max(2000);

const publicSummary = ({ id: _id, ...c }: ClientSummary) => c;

function summaryOf(db: Parameters<typeof clientSummaries>[0], slug: string) {
  const c = clientSummaries(db, { slug })[0];
  if (!c) throw notFound(`client "${slug}"`);
  return publicSummary(c);
}

/** Staff status errors as HTTP: unknown client 404, no-op 409, refused by policy 422. */
function asHttp<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof StatusActionError)) throw e;
    if (e.code === 'not-found') throw new HttpError(404, 'not_found', e.message);
    if (e.code === 'conflict') throw new HttpError(409, 'conflict', e.message);
    throw new HttpError(422, 'refused', e.message);
  }
}

export const clientRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/clients',
    role: 'viewer',
    summary:
      "Clients with status, reputation score, lifetime counts and rates, and the enforcement window's rates",
    query: z.object({ status: z.enum(clientStatuses).optional() }),
    handle: ({ query, deps }) => ({ items: clientSummaries(deps.db, query).map(publicSummary) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/clients/:slug',
    role: 'viewer',
    summary:
      'One client: domains, campaigns, the enforcement assessment (signals, rates with Wilson bounds, providers, reasons), the score with its explanation, the status history, and complainants or traps also reported against other clients (sharedLists)',
    params: slugParams,
    handle: ({ params, deps }) => {
      const c = clientDetail(deps.db, params.slug, {
        sharedListDays: deps.enforcement.sharedListDays,
        now: deps.now?.() ?? new Date(),
      });
      if (!c) throw notFound(`client "${params.slug}"`);
      const { id: _id, ...rest } = c;
      return rest;
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/clients/:slug/history',
    role: 'viewer',
    summary:
      "The client's status history, newest first: automatic changes with evidence, dry-run and proposed changes, staff actions with notes and consent answers",
    params: slugParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    handle: ({ params, query, deps }) => {
      const id = clientIdBySlug(deps.db, params.slug);
      if (id === null) throw notFound(`client "${params.slug}"`);
      const c = { id };
      return { items: clientStatusHistory(deps.db, c.id, query.limit) };
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
        writeAudit(deps.db, {
          actor,
          action: 'client.upsert',
          target: params.slug,
          detail: { name: body.name, domains: body.domains },
          now,
        });
      })();
      return summaryOf(deps.db, params.slug);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/clients/:slug/suspend',
    role: 'admin',
    summary:
      'Suspend a client, with a required note (history, audit entry, enforcement ticket, client.status_changed webhook)',
    params: slugParams,
    body: z.strictObject({ note }),
    handle: ({ params, body, deps, actor, now }) => {
      asHttp(() =>
        setClientStatus(
          deps.db,
          { slug: params.slug, to: 'suspended', actor, note: body.note, now },
          deps.enforcement,
        ),
      );
      return summaryOf(deps.db, params.slug);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/clients/:slug/status',
    role: 'admin',
    summary:
      'Set a client to watch, warned or suspended (or back to active unless suspended), with a required note',
    params: slugParams,
    body: z.strictObject({ status: z.enum(clientStatuses), note }),
    handle: ({ params, body, deps, actor, now }) => {
      asHttp(() =>
        setClientStatus(
          deps.db,
          { slug: params.slug, to: body.status, actor, note: body.note, now },
          deps.enforcement,
        ),
      );
      return summaryOf(deps.db, params.slug);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/clients/:slug/reinstate',
    role: 'admin',
    summary:
      "Reinstate a client (status active) with a required note and the client's consent answers (list age, signup URL, consent method, proof); 422 for a consent method policy refuses",
    params: slugParams,
    body: z.strictObject({ note, consent: consentAnswersSchema }),
    handle: ({ params, body, deps, actor, now }) => {
      asHttp(() =>
        reinstateClient(
          deps.db,
          {
            slug: params.slug,
            actor,
            note: body.note,
            consent: body.consent,
            refusedMethods: deps.enforcement.refusedConsentMethods,
            now,
          },
          deps.enforcement,
        ),
      );
      return summaryOf(deps.db, params.slug);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/clients/:slug/assess',
    role: 'agent',
    summary: 'Re-assess a client now (rates, status change per policy, score) and return the assessment',
    params: slugParams,
    handle: ({ params, deps, now }) => {
      const id = clientIdBySlug(deps.db, params.slug);
      if (id === null) throw notFound(`client "${params.slug}"`);
      const c = { id };
      const outcome = deps.db.transaction(() => enforceClient(deps.db, c.id, deps.enforcement, now))();
      return outcome;
    },
  }),
];
