import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import { getTicket, type Ticket } from './tickets-store.ts';
import type { TicketStatus } from './vocabulary.ts';

// The staff inbox: tickets by status, type, client, campaign, trust, creation day and free text.

export interface InboxFilters {
  status?: string | undefined;
  type?: string | undefined;
  client?: string | undefined;
  /** 'trusted' | 'unverified' */
  trust?: string | undefined;
  campaign?: string | undefined;
  /** Created on or after / before the end of (YYYY-MM-DD). */
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  limit?: number;
}

const where = `(@type IS NULL OR t.type = @type) AND (@client IS NULL OR c.slug = @client) AND (@campaign IS NULL OR k.slug = @campaign)
  AND (@from IS NULL OR t.created_at >= @from) AND (@to IS NULL OR t.created_at < @to)
  AND (@trusted IS NULL OR t.trusted = @trusted)
  AND (@q IS NULL OR t.id LIKE @q OR t.subject LIKE @q OR t.reporter LIKE @q OR k.slug LIKE @q OR c.slug LIKE @q)`;
const from =
  'FROM tickets t LEFT JOIN clients c ON c.id = t.client_id LEFT JOIN campaigns k ON k.id = t.campaign_id';

/** A YYYY-MM-DD filter as an ISO bound (`plusDays` 1 makes `to` include that whole day); anything else is ignored. */
function day(v: string | undefined, plusDays = 0): string | null {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
  const d = new Date(`${v}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return null;
  d.setUTCDate(d.getUTCDate() + plusDays);
  return d.toISOString();
}

const params = (f: InboxFilters) => ({
  type: f.type || null,
  client: f.client || null,
  campaign: f.campaign || null,
  from: day(f.from),
  to: day(f.to, 1),
  trusted: f.trust === 'trusted' ? 1 : f.trust === 'unverified' ? 0 : null,
  q: f.q ? `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%` : null,
});

/** The inbox: tickets matching the filters and search, most recently updated first. */
export function inboxTickets(db: Database, f: InboxFilters): Ticket[] {
  const rows = prepared(
    db,
    `SELECT t.id ${from} WHERE (@status IS NULL OR t.status = @status) AND ${where.replace(/LIKE @q/g, "LIKE @q ESCAPE '\\'")} ORDER BY t.updated_at DESC, t.id LIMIT @limit`,
  ).all({
    ...params(f),
    status: f.status || null,
    limit: f.limit ?? 100,
  }) as Array<{ id: string }>;
  return rows.map((r) => getTicket(db, r.id)!);
}

/** How many tickets per status under the same filters (status aside). */
export function inboxCounts(db: Database, f: InboxFilters): Record<TicketStatus, number> {
  const counts: Record<TicketStatus, number> = { open: 0, pending: 0, resolved: 0 };
  const rows = prepared(
    db,
    `SELECT t.status, count(*) AS n ${from} WHERE ${where.replace(/LIKE @q/g, "LIKE @q ESCAPE '\\'")} GROUP BY t.status`,
  ).all(params(f)) as Array<{ status: TicketStatus; n: number }>;
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
