import { z } from 'zod';
import { apiRoles, createApiToken, listApiTokens, revokeApiToken } from '../../../auth/api-tokens.ts';
import { listAudit } from '../../../store/audit-store.ts';
import { writeAudit } from '../../../store/audit-store.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { decodeCursor, page } from '../cursor.ts';
import { notFound } from '../http-error.ts';
import { cursorField, limitField } from '../query-fields.ts';

export const tokenRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tokens',
    role: 'admin',
    summary: 'API tokens (never their secrets)',
    handle: ({ deps }) => ({ items: listApiTokens(deps.db) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tokens',
    role: 'admin',
    summary: 'Create an API token; the secret is in this response only',
    body: z.strictObject({ name: z.string().trim().min(1).max(100), role: z.enum(apiRoles) }),
    handle: ({ body, deps, actor, now, reply }) => {
      const created = deps.db.transaction(() => {
        const c = createApiToken(deps.db, { ...body, now });
        writeAudit(deps.db, {
          actor,
          action: 'token.create',
          target: `token:${c.token.id}`,
          detail: { name: body.name, role: body.role },
          now,
        });
        return c;
      })();
      reply.code(201);
      return { ...created.token, secret: created.secret };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tokens/:id',
    role: 'admin',
    summary:
      'Revoke an API token (it stops working at once on this node, within http.lookupCacheMs on the others)',
    params: z.object({ id: z.coerce.number().int().positive() }),
    handle: ({ params, deps, actor, now }) => {
      deps.db.transaction(() => {
        if (!revokeApiToken(deps.db, params.id, now)) throw notFound(`live token ${params.id}`);
        writeAudit(deps.db, { actor, action: 'token.revoke', target: `token:${params.id}`, now });
      })();
      deps.lookups?.tokens.clear();
      return { id: params.id, revoked: true };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/audit',
    role: 'admin',
    summary: 'The audit log of staff actions, newest first',
    query: z.object({
      actor: z.string().max(200).optional(),
      action: z.string().max(100).optional(),
      target: z.string().max(300).optional(),
      limit: limitField(),
      cursor: cursorField,
    }),
    handle: ({ query, deps }) => {
      const after = decodeCursor<[number]>(query.cursor, ['number']);
      return page(
        listAudit(deps.db, { ...query, before: after?.[0], limit: query.limit + 1 }),
        query.limit,
        (a) => [a.id],
      );
    },
  }),
];
