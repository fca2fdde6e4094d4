import { z } from 'zod';
import { reportKinds } from '../../../store/vocabulary.ts';
import { prepared } from '../../../db/prepared.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { decodeCursor, page } from '../cursor.ts';
import { notFound } from '../http-error.ts';
import { booleanField, cursorField, limitField, slugField } from '../query-fields.ts';
import { reportSelect, toReportSummary, type ReportRow } from '../report-view.ts';

const kinds = reportKinds;

const listSql = `${reportSelect}
  WHERE (@kind IS NULL OR r.kind = @kind) AND (@provider IS NULL OR r.provider = @provider) AND (@client IS NULL OR c.slug = @client)
    AND (@campaign IS NULL OR k.slug = @campaign) AND (@trusted IS NULL OR r.trusted = @trusted) AND (@ticket IS NULL OR r.ticket_id = upper(@ticket))
    AND (@unmatched IS NULL OR (r.client_id IS NULL) = @unmatched) AND (@before IS NULL OR r.id < @before)
  ORDER BY r.id DESC LIMIT @limit`;

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
      const flag = (b: boolean | undefined): number | null => (b === undefined ? null : b ? 1 : 0);
      const rows = prepared(deps.db, listSql).all({
        kind: q.kind ?? null,
        provider: q.provider ?? null,
        client: q.client ?? null,
        campaign: q.campaign ?? null,
        trusted: flag(q.trusted),
        unmatched: flag(q.unmatched),
        ticket: q.ticket ?? null,
        before: after?.[0] ?? null,
        limit: q.limit + 1,
      }) as ReportRow[];
      const p = page(rows, q.limit, (r) => [r.id]);
      return { items: p.items.map(toReportSummary), nextCursor: p.nextCursor };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/reports/:id',
    role: 'viewer',
    summary: 'One report: the parsed report, its attribution (method, confidence, reason) and every decision',
    params: z.object({ id: z.coerce.number().int().positive() }),
    handle: ({ params, deps }) => {
      const row = prepared(deps.db, `${reportSelect} WHERE r.id = ?`).get(params.id) as ReportRow | undefined;
      if (!row) throw notFound(`report ${params.id}`);
      const parsed = prepared(deps.db, 'SELECT parsed FROM reports WHERE id = ?').get(params.id) as { parsed: string };
      return { ...toReportSummary(row), parsed: JSON.parse(parsed.parsed) as unknown };
    },
  }),
];
