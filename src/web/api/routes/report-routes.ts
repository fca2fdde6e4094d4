import { z } from 'zod';
import { reportKinds } from '../../../store/vocabulary.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { decodeCursor, page } from '../cursor.ts';
import { notFound } from '../http-error.ts';
import { booleanField, cursorField, limitField, slugField } from '../query-fields.ts';
import { listReports, reportDetail } from '../../../store/report-read-model.ts';

const kinds = reportKinds;

export const reportRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/reports',
    role: 'viewer',
    summary: 'Reports, newest first, with their attribution and decisions',
    query: z.object({
      kind: z.enum(kinds).optional(),
      provider: z.string().max(100).optional(),
      client: slugField.optional(),
      campaign: slugField.optional(),
      trusted: booleanField,
      unmatched: booleanField.describe('true: only reports charged to no client'),
      ticket: z.string().max(40).optional(),
      limit: limitField(),
      cursor: cursorField,
    }),
    handle: ({ query: q, deps }) => {
      const after = decodeCursor<[number]>(q.cursor, ['number']);
      const rows = listReports(deps.db, { ...q, before: after?.[0], limit: q.limit + 1 });
      return page(rows, q.limit, (r) => [r.id]);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/reports/:id',
    role: 'viewer',
    summary: 'One report: the parsed report, its attribution (method, confidence, reason) and every decision',
    params: z.object({ id: z.coerce.number().int().positive() }),
    handle: ({ params, deps }) => {
      const report = reportDetail(deps.db, params.id);
      if (!report) throw notFound(`report ${params.id}`);
      return report;
    },
  }),
];
