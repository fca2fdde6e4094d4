import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  lastSuppressionChangeId,
  syncChangesSince,
  type SyncChangeRow,
} from '../../../store/suppression-changes-store.ts';
import {
  checkSuppressions,
  isSuppressed,
  listSuppressions,
  suppressionReasons,
  suppressionsAfter,
  type SuppressionMatchRow,
} from '../../../store/suppressions-store.ts';
import { suppressionChangeKinds } from '../../../store/vocabulary.ts';
import {
  addSuppressions,
  removeSuppressions,
  type ItemResult,
} from '../../../suppress/change-suppressions.ts';
import type { ApiDeps } from '../api-deps.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { clientIdOf } from '../client-id.ts';
import { HttpError } from '../http-error.ts';
import { booleanField, checkAddressField, slugField, suppressionTargetField } from '../query-fields.ts';
import { SUPPRESSION_CSV_COLUMNS, suppressionCsvLine } from '../../../store/suppressions-csv.ts';

// Read in keyset chunks, each statement run to completion: an open better-sqlite3 iterator would keep the
// shared connection busy across event-loop turns and fail the worker's writes.
const EXPORT_CHUNK = 5000;

/** Most addresses one batch check takes, and most items one bulk add or remove takes. */
export const CHECK_MAX = 1000;
export const BULK_MAX = 10_000;

const streamField = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'a stream name: letters, digits, dots, dashes and underscores');

const hashOf = (deps: ApiDeps, address: string): string | null =>
  deps.suppressionRules ? deps.suppressionRules.hash(address) : null;

/** The sync cursor: opaque to integrators (`c` and the change-log position in base 36). */
const syncCursor = (id: number): string => `c${id.toString(36)}`;
function syncPosition(since: string): number {
  if (since === '0') return 0;
  if (!/^c[0-9a-z]{1,11}$/.test(since))
    throw new HttpError(400, 'invalid_input', 'since: not a cursor this API returned (or 0 for the start)');
  return parseInt(since.slice(1), 36);
}

const suppressionSchema = z.object({
  id: z.number().int(),
  address: z.string().describe('address, @domain or @*.domain; erased:<id> for an erased address'),
  addressHash: z.string().nullable().describe('erased rows: HMAC-SHA256 of the address (privacy.hashKey)'),
  client: z.string().nullable().describe('client slug; null: global'),
  stream: z.string().nullable().describe('the mail stream it is limited to; null: every stream'),
  reason: z.enum(suppressionReasons),
  evidenceReportId: z.number().int().nullable(),
  evidence: z.string().nullable().describe('JSON array of report ids (the soft-bounce limit)'),
  firstSeen: z.string(),
  lastSeen: z.string(),
  expiresAt: z.string().nullable().describe('when it stops counting; null: never'),
  count: z.number().int(),
  note: z.string().nullable(),
  createdBy: z.string(),
  timeToSuppressionMs: z.number().nullable(),
});

const matchSchema = z.object({
  id: z.number().int(),
  reason: z.enum(suppressionReasons),
  scope: z.enum(['client', 'global']),
  client: z.string().nullable(),
  stream: z.string().nullable(),
  match: z.enum(['address', 'domain', 'hash']),
  pattern: z.string().nullable().describe('the @domain or @*.domain row that matched; null otherwise'),
  since: z.string(),
  expiresAt: z.string().nullable(),
  evidenceReportId: z.number().int().nullable(),
});
type Match = z.infer<typeof matchSchema>;

const changeSchema = z.object({
  cursor: z.string().describe('position of this change; pass as since= to continue after it'),
  change: z.enum(suppressionChangeKinds),
  id: z.number().int().describe('the suppression the change is about (stable across erasure)'),
  address: z.string().optional().describe('the address or pattern (absent once erased)'),
  hash: z.string().optional().describe('erased addresses: the keyed hash instead of the address'),
  client: z.string().nullable(),
  stream: z.string().nullable(),
  reason: z.enum(suppressionReasons),
  at: z.string(),
});

const itemResultSchema = z.object({
  index: z.number().int(),
  address: z.string(),
  status: z.enum(['created', 'refreshed', 'removed', 'not-found', 'invalid', 'refused']),
  id: z.number().int().optional(),
  removed: z.number().int().optional(),
  error: z.string().optional(),
});

function matchOf(s: SuppressionMatchRow, address: string): Match {
  const a = address.trim().toLowerCase();
  const match: Match['match'] = s.addressHash !== null ? 'hash' : s.address === a ? 'address' : 'domain';
  return {
    id: s.id,
    reason: s.reason,
    scope: s.client === null ? 'global' : 'client',
    client: s.client,
    stream: s.stream,
    match,
    pattern: match === 'domain' ? s.address : null,
    since: s.firstSeen,
    expiresAt: s.expiresAt,
    evidenceReportId: s.evidenceReportId,
  };
}

/** One change as changeSchema's JSON text: the cursor, then the change as the store wrote it. */
const changeJson = (r: SyncChangeRow): string => `{"cursor":"${syncCursor(r[0])}",${r[1].slice(1)}`;

function tooMany(n: number, max: number, what: string): void {
  if (n > max)
    throw new HttpError(413, 'payload_too_large', `${n} ${what}: at most ${max} per call (split the list)`);
}

const addItemSchema = z.object({
  address: z.string().max(254),
  client: slugField.nullish(),
  stream: z.string().max(63).nullish(),
  reason: z
    .string()
    .max(40)
    .nullish()
    .describe(`one of ${suppressionReasons.join(', ')}; default manual`),
  note: z.string().max(2000).nullish(),
});
const removeItemSchema = z.object({
  address: z.string().max(254),
  client: z
    .union([slugField, z.literal('*')])
    .nullish()
    .describe('client slug, or * for the global rows'),
  all: z.boolean().optional().describe('every scope'),
  stream: z.string().max(63).nullish(),
  reason: z.string().max(40).nullish(),
});

const summary = (results: readonly ItemResult[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of results) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
};

export const suppressionRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/suppressions',
    role: 'viewer',
    summary:
      'Suppressions, most recent first (address accepts * as a wildcard, client * means global ones); with since=CURSOR (0 for the start) every change after it in order, to mirror the list',
    query: z.object({
      address: z.string().trim().min(1).max(254).optional(),
      client: z.union([slugField, z.literal('*')]).optional(),
      reason: z.enum(suppressionReasons).optional(),
      stream: streamField.optional(),
      since: z.string().max(500).optional(),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(10_000)
        .optional()
        .describe(
          'rows: at most 1,000 without since (default 100); a sync page at most 10,000 (default 5,000)',
        ),
    }),
    response: z.union([
      z.object({ items: z.array(suppressionSchema) }),
      z.object({
        changes: z.array(changeSchema),
        next: z
          .string()
          .describe('pass as since= for the following page (the same cursor when nothing is new)'),
        more: z.boolean().describe('true when more changes are waiting now'),
      }),
    ]),
    handle: ({ query, deps, reply }) => {
      if (query.since !== undefined) {
        const after = syncPosition(query.since);
        const limit = query.limit ?? 5000;
        const client = query.client && query.client !== '*' ? query.client : null;
        if (client) clientIdOf(deps.db, client);
        const rows = syncChangesSince(deps.db, { afterId: after, limit: limit + 1, client });
        const n = Math.min(rows.length, limit);
        const parts = new Array<string>(n);
        for (let i = 0; i < n; i++) parts[i] = changeJson(rows[i]!);
        const next = syncCursor(n > 0 ? rows[n - 1]![0] : after);
        return reply
          .type('application/json; charset=utf-8')
          .send(`{"changes":[${parts.join(',')}],"next":"${next}","more":${rows.length > limit}}`);
      }
      if ((query.limit ?? 100) > 1000)
        throw new HttpError(400, 'invalid_input', 'limit: at most 1000 without since');
      return { items: listSuppressions(deps.db, { ...query, limit: query.limit ?? 100 }) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/suppressions/cursor',
    role: 'viewer',
    summary: 'The sync cursor of the newest change: start a mirror from an export plus since= this cursor',
    response: z.object({ cursor: z.string() }),
    handle: ({ deps }) => ({ cursor: syncCursor(lastSuppressionChangeId(deps.db)) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/suppressions/check',
    role: 'viewer',
    summary:
      'Is this address suppressed for this client (or globally), for this stream, itself, by its erased hash or by a whole-domain (@domain, @*.domain) suppression? The check to run before sending',
    query: z.object({
      address: checkAddressField,
      client: slugField.optional(),
      stream: streamField.optional(),
    }),
    response: z.object({
      address: z.string(),
      suppressed: z.boolean(),
      reasons: z.array(
        z.object({
          reason: z.enum(suppressionReasons),
          scope: z.enum(['client', 'global']),
          client: z.string().nullable(),
          since: z.string(),
          evidenceReportId: z.number().int().nullable(),
        }),
      ),
      matches: z.array(matchSchema).describe('the same rows in detail: stream, expiry, what matched'),
    }),
    handle: ({ query, deps, now }) => {
      const clientId =
        query.client === undefined ? null : clientIdOf(deps.db, query.client, deps.lookups?.clientIds);
      const rows = isSuppressed(deps.db, query.address, clientId, {
        stream: query.stream ?? null,
        hash: hashOf(deps, query.address),
        now,
      });
      return {
        address: query.address,
        suppressed: rows.length > 0,
        reasons: rows.map((s) => ({
          reason: s.reason,
          scope: s.client === null ? ('global' as const) : ('client' as const),
          client: s.client,
          since: s.firstSeen,
          evidenceReportId: s.evidenceReportId,
        })),
        matches: rows.map((s) => matchOf(s, query.address)),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/suppressions/check',
    role: 'viewer',
    summary: `Checks up to ${CHECK_MAX} addresses at once for one client (or global only) and stream: per address, suppressed and the matching rows`,
    bodyLimit: 1024 * 1024,
    body: z.strictObject({
      addresses: z.array(z.string().max(254)).min(1).describe(`1 to ${CHECK_MAX} addresses`),
      client: slugField.nullish(),
      stream: streamField.nullish(),
    }),
    response: z.object({
      results: z.array(
        z.object({
          address: z.string(),
          suppressed: z.boolean(),
          matches: z.array(matchSchema),
          error: z.string().optional(),
        }),
      ),
    }),
    handle: ({ body, deps, now }) => {
      tooMany(body.addresses.length, CHECK_MAX, 'addresses');
      const clientId = body.client ? clientIdOf(deps.db, body.client, deps.lookups?.clientIds) : null;
      const valid = body.addresses.map((a) => checkAddressField.safeParse(a));
      const items = valid.flatMap((v) => (v.success ? [{ address: v.data }] : []));
      const answers = checkSuppressions(deps.db, items, clientId, {
        stream: body.stream ?? null,
        now,
        hashOf: deps.suppressionRules?.hash ?? null,
      });
      let k = 0;
      return {
        results: valid.map((v, i) => {
          if (!v.success)
            return {
              address: body.addresses[i]!,
              suppressed: false,
              matches: [],
              error: v.error.issues[0]?.message ?? 'not an email address',
            };
          const rows = answers[k++]!;
          return {
            address: v.data,
            suppressed: rows.length > 0,
            matches: rows.map((s) => matchOf(s, v.data)),
          };
        }),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/suppressions',
    role: 'agent',
    summary: `Suppress by hand: one address or pattern (@domain, *@domain, @*.domain) for one client (and stream) or globally (201 when new, 200 when it was already suppressed), or {items: [...]} with up to ${BULK_MAX} in one transaction, each with its result`,
    bodyLimit: 8 * 1024 * 1024,
    body: z.strictObject({
      address: z.string().max(254).optional().describe('one address or pattern (without items)'),
      client: slugField.nullish(),
      stream: streamField.nullish(),
      reason: z.enum(suppressionReasons).default('manual'),
      note: z.string().trim().max(2000).nullish(),
      items: z.array(addItemSchema).min(1).optional().describe(`1 to ${BULK_MAX} items (instead of address)`),
    }),
    response: z.union([
      z.object({
        id: z.number().int(),
        created: z.boolean(),
        address: z.string(),
        client: z.string().nullable(),
        stream: z.string().nullable(),
        reason: z.enum(suppressionReasons),
      }),
      z.object({ results: z.array(itemResultSchema), counts: z.record(z.string(), z.number().int()) }),
    ]),
    handle: ({ body, deps, actor, now, reply }) => {
      const ctx = { actor, now, rules: deps.suppressionRules ?? null };
      if (body.items) {
        tooMany(body.items.length, BULK_MAX, 'items');
        const results = addSuppressions(deps.db, body.items, ctx);
        return { results, counts: summary(results) };
      }
      if (!body.address) throw new HttpError(400, 'invalid_input', 'address: required (or items)');
      if (body.client) clientIdOf(deps.db, body.client);
      const [r] = addSuppressions(deps.db, [{ ...body, address: body.address }], ctx);
      if (r!.status === 'invalid') throw new HttpError(400, 'invalid_input', r!.error!);
      reply.code(r!.status === 'created' ? 201 : 200);
      return {
        id: r!.id!,
        created: r!.status === 'created',
        address: r!.address,
        client: body.client ?? null,
        stream: body.stream ?? null,
        reason: body.reason,
      };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/suppressions',
    role: 'agent',
    summary: `Un-suppress an address: for one client (client=slug), global only (client=*), or every scope (all=true); or a JSON body {items: [...], why} with up to ${BULK_MAX} in one transaction, each with its result. Complaints, unsubscribes and opt-outs need why (the staff reason)`,
    bodyLimit: 8 * 1024 * 1024,
    query: z.object({
      address: suppressionTargetField.optional(),
      client: z.union([slugField, z.literal('*')]).optional(),
      all: booleanField,
      stream: streamField.optional(),
      reason: z.enum(suppressionReasons).optional(),
      why: z.string().trim().min(1).max(2000).optional(),
    }),
    body: z
      .strictObject({
        items: z.array(removeItemSchema).min(1).describe(`1 to ${BULK_MAX} items`),
        why: z
          .string()
          .trim()
          .min(1)
          .max(2000)
          .nullish()
          .describe('the staff reason, stored with each removal'),
      })
      .partial(),
    response: z.union([
      z.object({ removed: z.number().int() }),
      z.object({ results: z.array(itemResultSchema), counts: z.record(z.string(), z.number().int()) }),
    ]),
    handle: ({ query, body, deps, actor, now }) => {
      const ctx = { actor, now, rules: deps.suppressionRules ?? null };
      if (body.items) {
        tooMany(body.items.length, BULK_MAX, 'items');
        const results = removeSuppressions(deps.db, body.items, { ...ctx, why: body.why ?? null });
        return { results, counts: summary(results) };
      }
      if (!query.address)
        throw new HttpError(400, 'invalid_input', 'address: required (or a JSON body with items)');
      if (query.client === undefined && query.all !== true)
        throw new HttpError(
          400,
          'invalid_input',
          'client: say client=SLUG (or * for global), or all=true for every scope',
        );
      if (query.client && query.client !== '*') clientIdOf(deps.db, query.client);
      const [r] = removeSuppressions(
        deps.db,
        [
          {
            address: query.address,
            client: query.client,
            all: query.all,
            stream: query.stream,
            reason: query.reason,
          },
        ],
        { ...ctx, why: query.why ?? null },
      );
      if (r!.status === 'not-found')
        throw new HttpError(404, 'not_found', `${query.address} is not suppressed in that scope`);
      if (r!.status === 'refused') throw new HttpError(409, 'refused', r!.error!);
      if (r!.status === 'invalid') throw new HttpError(400, 'invalid_input', r!.error!);
      return { removed: r!.removed! };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/suppressions/export.csv',
    role: 'viewer',
    summary:
      'Every suppression (or one client’s) as CSV, streamed; an erased address has an empty address cell and its keyed hash in addressHash',
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
          if (rows.length > 0) yield rows.map((r) => `${suppressionCsvLine(r, true)}\r\n`).join('');
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
