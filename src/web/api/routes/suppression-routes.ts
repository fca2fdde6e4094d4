import { Readable } from 'node:stream';
import { z } from 'zod';
import { writeAudit } from '../../../store/audit-store.ts';
import {
  isSuppressed,
  listSuppressions,
  removeSuppression,
  suppress,
  suppressionReasons,
  suppressionsAfter,
  type Suppression,
} from '../../../store/suppressions-store.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { clientIdOf } from '../client-id.ts';
import { HttpError } from '../http-error.ts';
import {
  booleanField,
  checkAddressField,
  limitField,
  slugField,
  suppressionTargetField,
} from '../query-fields.ts';
import { csvField, SUPPRESSION_CSV_COLUMNS } from '../../../store/suppressions-csv.ts';

// Read in keyset chunks, each statement run to completion: an open better-sqlite3 iterator would keep the
// shared connection busy across event-loop turns and fail the worker's writes.
const EXPORT_CHUNK = 5000;

export const suppressionRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/suppressions',
    role: 'viewer',
    summary: 'Suppressions, most recent first; address accepts * as a wildcard, client * means global ones',
    query: z.object({
      address: z.string().trim().min(1).max(254).optional(),
      client: z.union([slugField, z.literal('*')]).optional(),
      reason: z.enum(suppressionReasons).optional(),
      limit: limitField(1000, 100),
    }),
    handle: ({ query, deps }) => ({ items: listSuppressions(deps.db, query) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/suppressions/check',
    role: 'viewer',
    summary:
      'Is this address suppressed for this client (or globally), itself or by a whole-domain (@domain) suppression? The check to run before sending',
    query: z.object({ address: checkAddressField, client: slugField.optional() }),
    handle: ({ query, deps }) => {
      const clientId = query.client === undefined ? null : clientIdOf(deps.db, query.client);
      const rows = isSuppressed(deps.db, query.address, clientId);
      return {
        address: query.address,
        suppressed: rows.length > 0,
        reasons: rows.map((s: Suppression) => ({
          reason: s.reason,
          scope: s.client === null ? 'global' : 'client',
          client: s.client,
          since: s.firstSeen,
          evidenceReportId: s.evidenceReportId,
        })),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/suppressions',
    role: 'agent',
    summary:
      'Suppress an address, or a whole domain as @domain or *@domain, by hand, for one client or globally (201 when new, 200 when it was already suppressed)',
    body: z.strictObject({
      address: suppressionTargetField,
      client: slugField.nullish(),
      reason: z.enum(suppressionReasons).default('manual'),
      note: z.string().trim().max(2000).nullish(),
    }),
    handle: ({ body, deps, actor, now, reply }) => {
      const r = deps.db.transaction(() => {
        const clientId = body.client ? clientIdOf(deps.db, body.client) : null;
        const res = suppress(deps.db, {
          address: body.address,
          clientId,
          reason: body.reason,
          note: body.note ?? null,
          createdBy: actor,
          now,
        });
        writeAudit(deps.db, {
          actor,
          action: 'suppression.add',
          target: body.address,
          detail: {
            client: body.client ?? null,
            reason: body.reason,
            note: body.note ?? null,
            created: res.created,
          },
          now,
        });
        return res;
      })();
      reply.code(r.created ? 201 : 200);
      return {
        id: r.id,
        created: r.created,
        address: body.address,
        client: body.client ?? null,
        reason: body.reason,
      };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/suppressions',
    role: 'agent',
    summary:
      'Un-suppress an address: for one client (client=slug), global only (client=*), or every scope (all=true)',
    query: z
      .object({
        address: suppressionTargetField,
        client: z.union([slugField, z.literal('*')]).optional(),
        all: booleanField,
        reason: z.enum(suppressionReasons).optional(),
      })
      .refine((q) => q.client !== undefined || q.all === true, {
        message: 'say client=SLUG (or * for global), or all=true for every scope',
        path: ['client'],
      }),
    handle: ({ query, deps, actor, now }) => {
      const removed = deps.db.transaction(() => {
        const clientId = query.all
          ? undefined
          : query.client === '*'
            ? null
            : clientIdOf(deps.db, query.client!);
        const n = removeSuppression(deps.db, query.address, clientId, query.reason);
        if (n > 0)
          writeAudit(deps.db, {
            actor,
            action: 'suppression.remove',
            target: query.address,
            detail: { client: query.all ? 'all' : query.client, reason: query.reason ?? null, removed: n },
            now,
          });
        return n;
      })();
      if (removed === 0)
        throw new HttpError(404, 'not_found', `${query.address} is not suppressed in that scope`);
      return { removed };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/suppressions/export.csv',
    role: 'viewer',
    summary: 'Every suppression (or one client’s) as CSV, streamed',
    produces: 'text/csv',
    query: z.object({ client: slugField.optional() }),
    handle: ({ query, deps, reply }) => {
      if (query.client) clientIdOf(deps.db, query.client);
      const { db } = deps;
      function* lines(): Generator<string> {
        yield `${SUPPRESSION_CSV_COLUMNS.join(',')}\r\n`;
        for (let after = 0; ;) {
          const rows = suppressionsAfter(db, {
            client: query.client ?? null,
            afterId: after,
            limit: EXPORT_CHUNK,
          });
          if (rows.length > 0)
            yield rows
              .map((r) => `${SUPPRESSION_CSV_COLUMNS.map((c) => csvField(r[c], true)).join(',')}\r\n`)
              .join('');
          if (rows.length < EXPORT_CHUNK) return;
          after = rows[rows.length - 1]!.id;
        }
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="suppressions${query.client ? `-${query.client}` : ''}.csv"`,
        )
        .send(Readable.from(lines()));
    },
  }),
];
