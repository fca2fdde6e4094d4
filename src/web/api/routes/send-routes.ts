import { z } from 'zod';
import { writeAudit } from '../../../store/audit-store.ts';
import { sendInputSchema, type SendInput } from '../../../sends/send-records.ts';
import { insertSends, type SendRowError } from '../../../store/sends-store.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';

export const MAX_SENDS_PER_REQUEST = 10_000;
const rows = z.array(z.unknown()).min(1).max(MAX_SENDS_PER_REQUEST);

export const sendRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/sends',
    role: 'admin',
    summary: `Import sends (the send log attribution reads): a JSON array, or { "sends": [...] }, up to ${MAX_SENDS_PER_REQUEST} rows; bad rows are reported by index, the others stored`,
    bodyLimit: 32 * 1024 * 1024,
    body: z.union([rows, z.strictObject({ sends: rows })]),
    handle: ({ body, deps, actor, now }) => {
      const input = Array.isArray(body) ? body : body.sends;
      const errors: SendRowError[] = [];
      const valid: SendInput[] = [];
      const indexOf: number[] = [];
      input.forEach((row, index) => {
        const r = sendInputSchema.safeParse(row);
        if (r.success) {
          valid.push(r.data);
          indexOf.push(index);
        } else {
          errors.push({
            index,
            error: r.error.issues.map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`).join('; '),
          });
        }
      });
      const result = insertSends(deps.db, valid, now, deps.enforcement.providers);
      errors.push(...result.errors.map((e) => ({ index: indexOf[e.index]!, error: e.error })));
      errors.sort((a, b) => a.index - b.index);
      writeAudit(deps.db, {
        actor,
        action: 'sends.import',
        target: null,
        detail: { received: input.length, stored: result.stored, rejected: errors.length },
        now,
      });
      return { received: input.length, stored: result.stored, errors };
    },
  }),
];
