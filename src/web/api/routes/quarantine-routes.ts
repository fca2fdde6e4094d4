import { z } from 'zod';
import { writeAudit } from '../../../store/audit-store.ts';
import { getMessage, requeueMessage } from '../../../store/messages-store.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { HttpError } from '../http-error.ts';
import { cursorField, limitField } from '../query-fields.ts';
import { findMessage, messagePage } from './message-routes.ts';

export const quarantineRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/quarantine',
    role: 'viewer',
    summary: 'Messages that failed their last processing attempt, with the error and the failed stage',
    query: z.object({ limit: limitField(), cursor: cursorField }),
    handle: ({ query, deps }) => {
      const p = messagePage(deps.db, { ...query, state: 'quarantined' });
      return {
        items: p.items.map((m) => ({
          queueId: m.queueId,
          receivedAt: m.receivedAt,
          mailFrom: m.mailFrom,
          messageId: m.messageId,
          size: m.size,
          attempts: m.attempts,
          error: m.lastError,
          failedStage: m.stages.findLast((s) => s.outcome === 'failed')?.stage ?? null,
        })),
        nextCursor: p.nextCursor,
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/quarantine/:queueId/retry',
    role: 'agent',
    summary: 'Queue a quarantined message again (due now, attempts reset)',
    params: z.object({ queueId: z.string().regex(/^[A-Za-z0-9]{1,40}$/, 'a queue id') }),
    handle: ({ params, deps, actor, now, reply }) => {
      const m = findMessage(deps.db, params.queueId);
      if (m.state !== 'quarantined')
        throw new HttpError(409, 'conflict', `message ${m.queueId} is ${m.state}, not quarantined`);
      deps.db.transaction(() => {
        requeueMessage(deps.db, m.id);
        writeAudit(deps.db, {
          actor,
          action: 'message.retry',
          target: m.queueId,
          detail: { attempts: m.attempts, error: m.lastError },
          now,
        });
      })();
      deps.onRequeue?.();
      reply.code(202);
      const after = getMessage(deps.db, m.queueId)!;
      return { queueId: after.queueId, state: after.state };
    },
  }),
];
