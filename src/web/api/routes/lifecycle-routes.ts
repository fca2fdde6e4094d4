import { z } from 'zod';
import {
  ClientDeletionError,
  deleteClientWithArchive,
  deleteClient,
  exportClientArchive,
} from '../../../lifecycle/delete-client.ts';
import { eraseAddress, ErasureError } from '../../../lifecycle/erase-address.ts';
import type { LifecycleSettings } from '../../../lifecycle/lifecycle-settings.ts';
import type { ApiDeps } from '../api-deps.ts';
import { listErasures } from '../../../store/erasure-store.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { HttpError, notFound } from '../http-error.ts';

const counts = z.record(z.string(), z.number().int()).describe('rows deleted or redacted per table');

const erasureSchema = z.object({
  id: z.number().int(),
  hash: z.string().describe('HMAC-SHA256 (hex) of the address with privacy.hashKey; never the address'),
  at: z.string(),
  counts,
});

function settingsOf(deps: ApiDeps): LifecycleSettings {
  const s = deps.lifecycle;
  if (!s)
    throw new HttpError(
      503,
      'internal',
      'erasure needs the running service (abusedesk serve) and its config',
    );
  return s;
}

const slugParams = z.object({ slug: z.string().min(1).max(100) });

function asHttp<T>(slug: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ClientDeletionError) throw notFound(`client "${slug}"`);
    throw e;
  }
}

/**
 * Data lifecycle: erasure of a person's address, and deleting a client. A client is deleted only with
 * `?export=true` (the answer carries the archive of everything deleted, built in the same transaction) or an
 * explicit `?export=false`; `GET /clients/{slug}/archive` exports without deleting.
 */
export const lifecycleRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/erasures',
    role: 'admin',
    summary:
      "Erase every stored trace of a person's address (raw messages, reports, tickets, sends, outbox copies, audit texts, outbox files); suppressions keep its keyed hash. 201 with the erasure's id, hash and counts per table",
    body: z.strictObject({ address: z.string().trim().min(3).max(254) }),
    response: erasureSchema.extend({
      filesRemaining: z
        .array(z.string())
        .describe("files under the data dir naming it that are not abusedesk's own"),
      remaining: z
        .array(z.object({ table: z.string(), column: z.string(), rows: z.number().int() }))
        .describe('columns still naming it (staff accounts, traps: not erased this way)'),
      compacted: z.boolean().describe('the database file was rewritten so no deleted copy remains'),
    }),
    handle: async ({ body, deps, actor, now, reply }) => {
      const s = settingsOf(deps);
      try {
        const r = await eraseAddress(deps.db, {
          address: body.address,
          hashKey: s.hashKey,
          dataDir: s.dataDir,
          actor,
          now,
          logger: deps.logger,
        });
        void reply.code(201);
        return r;
      } catch (e) {
        if (e instanceof ErasureError) throw new HttpError(400, 'invalid_input', e.message);
        throw e;
      }
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/erasures',
    role: 'admin',
    summary: 'Erasures, newest first: id, keyed hash, time, actor and counts (never an address)',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) }),
    response: z.object({ items: z.array(erasureSchema.extend({ actor: z.string() })) }),
    handle: ({ query, deps }) => ({ items: listErasures(deps.db, query.limit) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/clients/:slug/archive',
    role: 'admin',
    summary:
      "A client's archive (client, domains, campaigns, sends, reports, tickets with timelines, per-client suppressions, signals, history) without deleting anything; audited",
    params: slugParams,
    produces: 'application/json',
    handle: ({ params, deps, actor, now, reply }) => {
      const archive = asHttp(params.slug, () =>
        exportClientArchive(deps.db, { slug: params.slug, actor, now }),
      );
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="client-${params.slug}.json"`)
        .send(archive);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/clients/:slug',
    role: 'admin',
    summary:
      'Delete a client and its data; ?export=true answers with the archive of what was deleted, ?export=false deletes without one (one of them is required). Global suppressions and erasures stay; audited',
    params: slugParams,
    query: z.object({
      export: z
        .enum(['true', 'false'], 'say export=true (answer with the archive) or export=false (no archive)')
        .describe('true: the answer carries the archive; false: no archive'),
      reason: z.string().trim().max(500).optional(),
    }),
    response: z.object({
      slug: z.string(),
      deleted: counts,
      archive: z
        .unknown()
        .optional()
        .describe('with export=true: the archive (format abusedesk-client-archive/1)'),
    }),
    handle: ({ params, query, deps, actor, now, reply }) => {
      const o = { slug: params.slug, actor, now, reason: query.reason, logger: deps.logger };
      // The suppression check must not answer for the deleted client from a remembered id.
      deps.lookups?.clientIds.clear();
      if (query.export === 'true') {
        const r = asHttp(params.slug, () => deleteClientWithArchive(deps.db, o));
        return reply
          .type('application/json; charset=utf-8')
          .send(
            `{"slug":${JSON.stringify(r.slug)},"deleted":${JSON.stringify(r.deleted)},"archive":${r.archive.trimEnd()}}`,
          );
      }
      const r = asHttp(params.slug, () => deleteClient(deps.db, { ...o, exportFile: null }));
      return { slug: r.slug, deleted: r.deleted };
    },
  }),
];
