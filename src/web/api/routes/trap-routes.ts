import { z } from 'zod';
import { writeAudit } from '../../../audit/write-audit.ts';
import { addTrap, listTraps, normalizeTrap, removeTrap } from '../../../enforcement/spam-traps.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { HttpError, notFound } from '../http-error.ts';

const trapField = z.string().trim().max(254).refine((v) => {
  try {
    normalizeTrap(v);
    return true;
  } catch {
    return false;
  }
}, 'an address, or @domain for a whole trap domain').transform((v) => normalizeTrap(v));

/** The managed spam-trap list: a complaint or bounce involving a listed address is a trap hit. */
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
    summary: 'Add a spam-trap address or @domain, with an optional note',
    body: z.strictObject({ address: trapField, note: z.string().trim().max(500).optional() }),
    handle: ({ body, deps, actor, now, reply }) => {
      const created = deps.db.transaction(() => {
        const isNew = addTrap(deps.db, { address: body.address, note: body.note ?? null, source: 'staff', createdBy: actor, now });
        writeAudit(deps.db, { actor, action: 'trap.add', target: body.address, detail: { note: body.note ?? null }, now });
        return isNew;
      })();
      void reply.code(created ? 201 : 200);
      return listTraps(deps.db).find((t) => t.address === body.address);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/traps/:address',
    role: 'admin',
    summary: 'Remove a spam-trap entry (entries from config come back at the next start: remove them from config)',
    params: z.object({ address: trapField }),
    handle: ({ params, deps, actor, now }) => {
      const t = listTraps(deps.db).find((x) => x.address === params.address);
      if (!t) throw notFound(`trap "${params.address}"`);
      if (t.source === 'config') throw new HttpError(409, 'conflict', `"${params.address}" comes from config enforcement.trapAddresses: remove it there`);
      deps.db.transaction(() => {
        removeTrap(deps.db, params.address);
        writeAudit(deps.db, { actor, action: 'trap.remove', target: params.address, now });
      })();
      return { removed: params.address };
    },
  }),
];
