import { z } from 'zod';
import { reportForMessage } from '../../../store/reports-store.ts';
import { getMessage, getRaw, listMessages, type StoredMessage } from '../../../store/messages-store.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { decodeCursor, page } from '../cursor.ts';
import { notFound } from '../http-error.ts';
import { cursorField, limitField } from '../query-fields.ts';

const queueIdParams = z.object({ queueId: z.string().regex(/^[A-Za-z0-9]{1,40}$/, 'a queue id') });

/** The intake log, newest first, paginated by message id. */
export function messagePage(
  db: Parameters<typeof listMessages>[0],
  q: { state?: StoredMessage['state'] | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor<[number]>(q.cursor, ['number']);
  const rows = listMessages(db, { state: q.state, limit: q.limit + 1, before: after?.[0] });
  return page(rows, q.limit, (m) => [m.id]);
}

export function findMessage(db: Parameters<typeof getMessage>[0], queueId: string): StoredMessage {
  const m = getMessage(db, queueId);
  if (!m) throw notFound(`message ${queueId}`);
  return m;
}

export const messageRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/messages',
    role: 'viewer',
    summary: 'The intake log: every accepted message with its state, newest first',
    query: z.object({
      state: z.enum(['queued', 'done', 'quarantined']).optional(),
      limit: limitField(),
      cursor: cursorField,
    }),
    handle: ({ query, deps }) => messagePage(deps.db, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/messages/:queueId',
    role: 'viewer',
    summary: 'One message: envelope, state, stage trail and the report it became',
    params: queueIdParams,
    handle: ({ params, deps }) => {
      const m = findMessage(deps.db, params.queueId);
      const report = reportForMessage(deps.db, m.id);
      return { ...m, report: report ? { id: report.id, kind: report.kind, reason: report.reason } : null };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/messages/:queueId/raw',
    role: 'agent',
    summary: 'The raw message as received, as an .eml download',
    produces: 'message/rfc822',
    params: queueIdParams,
    handle: ({ params, deps, reply }) => {
      const m = findMessage(deps.db, params.queueId);
      const raw = getRaw(deps.db, m.id);
      if (!raw) throw notFound(`raw bytes of message ${m.queueId}`);
      // Always a download, never rendered: the bytes are attacker-controlled.
      return reply
        .header('content-type', 'message/rfc822')
        .header('content-disposition', `attachment; filename="${m.queueId}.eml"`)
        .header('x-content-type-options', 'nosniff')
        .send(raw);
    },
  }),
];
