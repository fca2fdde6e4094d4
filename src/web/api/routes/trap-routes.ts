import { z } from 'zod';
import {
  addTrapByStaff,
  listTraps,
  normalizeTrap,
  removeTrapByStaff,
} from '../../../enforcement/spam-traps.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { HttpError, notFound } from '../http-error.ts';

const trapField = z
  .string()
  .trim()
  .max(254)
  .refine((v) => {
    try {
      normalizeTrap(v);
      return true;
    } catch {
      return false;
    }
  }, 'an address, or @domain for a whole trap domain')
  .transform((v) => normalizeTrap(v));

/** The managed spam-trap list: a complaint or bounce involving a listed address is a trap hit. Agents read it (traps are secret from viewers). */
export const trapRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/traps',
    role: 'agent',
    summary: 'The spam-trap list (addresses and @domains), from config and staff',
    handle: ({ deps }) => ({ items: listTraps(deps.db) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/traps',
    role: 'admin',
    summary: 'Add a spam-trap address or @domain, with an optional note (201 when new)',
    body: z.strictObject({ address: trapField, note: z.string().trim().max(500).optional() }),
    handle: ({ body, deps, actor, now, reply }) => {
      const created = addTrapByStaff(deps.db, { address: body.address, note: body.note ?? null, actor, now });
      void reply.code(created ? 201 : 200);
      return listTraps(deps.db).find((t) => t.address === body.address);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/traps/:address',
    role: 'admin',
    summary: 'Remove a staff-added spam-trap entry (entries from config are removed from config)',
    params: z.object({ address: trapField }),
    handle: ({ params, deps, actor, now }) => {
      const r = removeTrapByStaff(deps.db, { address: params.address, actor, now });
      if (r === 'unknown') throw notFound(`trap "${params.address}"`);
      if (r === 'config')
        throw new HttpError(
          409,
          'conflict',
          `"${params.address}" comes from config enforcement.trapAddresses: remove it there`,
        );
      return { removed: params.address };
    },
  }),
];
