import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import { termKinds, normalizeTerm, type InboxTermKind } from './inbox-terms-store.ts';
import { ticketStatuses, type TicketStatus, type TicketType } from './vocabulary.ts';

// The staff inbox: tickets by status, type, client, campaign, trust, assignee, creation day and search, a page
// at a time (keyset: a cursor names the last row seen, so tickets arriving meanwhile never shift a page).

/** Status choices: one status, open or pending (`unresolved`), or every ticket. */
export const inboxStatusChoices = [...ticketStatuses, 'unresolved', 'all'] as const;
export type InboxStatusChoice = (typeof inboxStatusChoices)[number];

/** `active`: most recently updated first (the ticket page's next/previous follow it); `newest`: created. */
export const inboxSorts = ['active', 'newest'] as const;
export type InboxSort = (typeof inboxSorts)[number];

export const inboxPageSizes = [50, 100, 200] as const;

export interface InboxFilters {
  status?: InboxStatusChoice | undefined;
  type?: string | undefined;
  client?: string | undefined;
  campaign?: string | undefined;
  /** 'trusted' | 'unverified' */
  trust?: string | undefined;
  /** A staff user id, or `none` for unassigned tickets. */
  assignee?: number | 'none' | undefined;
  /** Created on or after / before the end of (YYYY-MM-DD). */
  from?: string | undefined;
  to?: string | undefined;
  /** Resolved at or after (ISO 8601). */
  resolvedSince?: string | undefined;
  /** A ticket id, an identifier a report names (address, Message-ID, queue id, IP, domain), or free text. */
  q?: string | undefined;
}

export interface InboxPageRequest extends InboxFilters {
  sort?: InboxSort | undefined;
  size?: number | undefined;
  /** Cursor: the page after this row. */
  after?: string | undefined;
  /** Cursor: the page before this row. */
  before?: string | undefined;
}

export interface InboxRow {
  id: string;
  type: TicketType;
  status: TicketStatus;
  subject: string;
  originalSubject: string | null;
  sender: string | null;
  reporter: string | null;
  provider: string | null;
  sendingDomain: string | null;
  sourceIp: string | null;
  client: string | null;
  campaign: string | null;
  trusted: boolean;
  flags: string[];
  reportCount: number;
  assignee: string | null;
  createdAt: string;
  updatedAt: string;
}

/** How the search box was read: nothing, a ticket id, an identifier (with what it named) or free text. */
export type InboxSearch =
  | { mode: 'none' }
  | { mode: 'ticket-id' }
  | { mode: 'identifier'; kinds: InboxTermKind[] }
  | { mode: 'text' };

export interface InboxPage {
  rows: InboxRow[];
  /** Tickets matching the filters (all pages). */
  total: number;
  /** 1-based position of the first and last row shown (0 when empty). */
  first: number;
  last: number;
  next: string | null;
  prev: string | null;
  /** Tickets per status under the same filters (status aside). */
  counts: Record<TicketStatus, number>;
  search: InboxSearch;
}

const TICKET_ID = /^AD-[2-9A-HJKMNP-TV-Z]{6}$/i;

const from = `FROM tickets t LEFT JOIN clients c ON c.id = t.client_id LEFT JOIN campaigns k ON k.id = t.campaign_id`;

/** The filters every query shares (unset ones are NULL); `status` is added separately so counts can drop it. */
const filters = `(@type IS NULL OR t.type = @type) AND (@client IS NULL OR c.slug = @client) AND (@campaign IS NULL OR k.slug = @campaign)
  AND (@from IS NULL OR t.created_at >= @from) AND (@to IS NULL OR t.created_at < @to)
  AND (@trusted IS NULL OR t.trusted = @trusted)
  AND (@assignee IS NULL OR t.assignee_id = @assignee) AND (@unassigned = 0 OR t.assignee_id IS NULL)
  AND (@resolvedSince IS NULL OR t.resolved_at >= @resolvedSince)`;

/**
 * One search clause per mode, so that each statement's plan uses the index it can; `@q` is the value
 * `readSearch` gives, `t`, `c` and `k` the ticket, its client and its campaign (the API's list reads the same).
 */
export const inboxSearchClauses: Record<InboxSearch['mode'], string> = {
  none: '1 = 1',
  'ticket-id': 't.id = @q',
  identifier: 't.id IN (SELECT ticket_id FROM ticket_terms WHERE term = @q)',
  text: `(t.subject LIKE @q ESCAPE '\\' OR t.original_subject LIKE @q ESCAPE '\\' OR t.sender LIKE @q ESCAPE '\\'
    OR t.reporter LIKE @q ESCAPE '\\' OR t.sending_domain LIKE @q ESCAPE '\\' OR c.slug LIKE @q ESCAPE '\\' OR k.slug LIKE @q ESCAPE '\\'
    OR EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'note' AND e.text LIKE @q ESCAPE '\\'))`,
};

const status = 't.status IN (@s1, @s2, @s3)';

/** A YYYY-MM-DD filter as an ISO bound (`plusDays` 1 makes `to` include that whole day); anything else is ignored. */
function day(v: string | undefined, plusDays = 0): string | null {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
  const d = new Date(`${v}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return null;
  d.setUTCDate(d.getUTCDate() + plusDays);
  return d.toISOString();
}

/** How a search string is read: a ticket id, an identifier some report names, else words. */
export function readSearch(
  db: Database,
  q: string | undefined,
): { search: InboxSearch; value: string | null } {
  const text = q?.trim().slice(0, 200) ?? '';
  if (!text) return { search: { mode: 'none' }, value: null };
  if (TICKET_ID.test(text)) return { search: { mode: 'ticket-id' }, value: text.toUpperCase() };
  if (!/\s/.test(text)) {
    const kinds = termKinds(db, text);
    if (kinds.length) return { search: { mode: 'identifier', kinds }, value: normalizeTerm(text) };
  }
  return { search: { mode: 'text' }, value: `%${text.replace(/[%_\\]/g, (ch) => `\\${ch}`)}%` };
}

function statusParams(s: InboxStatusChoice | undefined): { s1: string; s2: string; s3: string } {
  const list: readonly string[] =
    s === 'all' ? ticketStatuses : s === 'unresolved' ? ['open', 'pending'] : [s ?? 'open'];
  return { s1: list[0]!, s2: list[1] ?? list[0]!, s3: list[2] ?? list[0]! };
}

const filterParams = (f: InboxFilters, q: string | null) => ({
  type: f.type || null,
  client: f.client || null,
  campaign: f.campaign || null,
  from: day(f.from),
  to: day(f.to, 1),
  trusted: f.trust === 'trusted' ? 1 : f.trust === 'unverified' ? 0 : null,
  assignee: typeof f.assignee === 'number' ? f.assignee : null,
  unassigned: f.assignee === 'none' ? 1 : 0,
  resolvedSince: f.resolvedSince ?? null,
  q,
});

interface Cursor {
  key: string;
  id: string;
}

const encodeCursor = (c: Cursor): string => Buffer.from(`${c.key}|${c.id}`).toString('base64url');

/** A cursor from a URL, or null when it is not one of ours (a stale or edited link starts at page one). */
function decodeCursor(v: string | undefined): Cursor | null {
  if (!v || v.length > 200) return null;
  const [key, id, ...rest] = Buffer.from(v, 'base64url').toString('utf8').split('|');
  if (rest.length || !key || !id || !TICKET_ID.test(id) || Number.isNaN(Date.parse(key))) return null;
  return { key, id };
}

interface Row {
  id: string;
  type: TicketType;
  status: TicketStatus;
  subject: string;
  original_subject: string | null;
  sender: string | null;
  reporter: string | null;
  provider: string | null;
  sending_domain: string | null;
  source_ip: string | null;
  client: string | null;
  campaign: string | null;
  trusted: number;
  flags: string;
  report_count: number;
  assignee: string | null;
  created_at: string;
  updated_at: string;
}

const toRow = (r: Row): InboxRow => ({
  id: r.id,
  type: r.type,
  status: r.status,
  subject: r.subject,
  originalSubject: r.original_subject,
  sender: r.sender,
  reporter: r.reporter,
  provider: r.provider,
  sendingDomain: r.sending_domain,
  sourceIp: r.source_ip,
  client: r.client,
  campaign: r.campaign,
  trusted: r.trusted === 1,
  flags: JSON.parse(r.flags) as string[],
  reportCount: r.report_count,
  assignee: r.assignee,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** One page of the inbox with its position, cursors and the per-status counts of the same filters. */
export function inboxPage(db: Database, req: InboxPageRequest): InboxPage {
  const { search, value } = readSearch(db, req.q);
  const col = req.sort === 'newest' ? 't.created_at' : 't.updated_at';
  const size = inboxPageSizes.includes(req.size as 50) ? req.size! : inboxPageSizes[0];
  const where = `${filters} AND ${inboxSearchClauses[search.mode]}`;
  const p = { ...filterParams(req, value), ...statusParams(req.status) };
  // The order is `col` newest first, then id ascending; "later in the order" is older, or as old with a higher id.
  const later = `(${col} < @ck OR (${col} = @ck AND t.id > @cid))`;
  const earlier = `(${col} > @ck OR (${col} = @ck AND t.id < @cid))`;
  const select = `SELECT t.*, c.slug AS client, k.slug AS campaign, coalesce(u.name, u.email) AS assignee ${from}
    LEFT JOIN staff_users u ON u.id = t.assignee_id WHERE ${status} AND ${where}`;
  const before = decodeCursor(req.before);
  const after = before ? null : decodeCursor(req.after);
  const page = (cursor: Cursor | null): Row[] =>
    prepared(db, `${select}${cursor ? ` AND ${later}` : ''} ORDER BY ${col} DESC, t.id LIMIT @limit`).all({
      ...p,
      ck: cursor?.key ?? null,
      cid: cursor?.id ?? null,
      limit: size + 1,
    }) as Row[];
  let rows: Row[] = [];
  let more = false;
  if (before) {
    rows = (
      prepared(db, `${select} AND ${earlier} ORDER BY ${col}, t.id DESC LIMIT @limit`).all({
        ...p,
        ck: before.key,
        cid: before.id,
        limit: size,
      }) as Row[]
    ).reverse();
    more = true;
  } else rows = page(after);
  // Fewer rows before the cursor than a page (tickets left the filter meanwhile, e.g. resolved in bulk), or
  // none after it: start again from the first page rather than show a short or empty one.
  const restart = before ? rows.length < size : after !== null && rows.length === 0;
  if (restart) rows = page(null);
  if (!before || restart) {
    more = rows.length > size;
    rows = rows.slice(0, size);
  }
  const keyOf = (r: Row) => ({ key: req.sort === 'newest' ? r.created_at : r.updated_at, id: r.id });
  const counts = statusCounts(db, where, filterParams(req, value));
  const total = prepared(db, `SELECT count(*) ${from} WHERE ${status} AND ${where}`).pluck().get(p) as number;
  const head = rows[0];
  const ahead = head
    ? (prepared(db, `SELECT count(*) ${from} WHERE ${status} AND ${where} AND ${earlier}`)
        .pluck()
        .get({ ...p, ck: keyOf(head).key, cid: head.id }) as number)
    : 0;
  const tail = rows[rows.length - 1];
  return {
    rows: rows.map(toRow),
    total,
    first: head ? ahead + 1 : 0,
    last: head ? ahead + rows.length : 0,
    next: tail && more && ahead + rows.length < total ? encodeCursor(keyOf(tail)) : null,
    prev: head && ahead > 0 ? encodeCursor(keyOf(head)) : null,
    counts,
    search,
  };
}

function statusCounts(
  db: Database,
  where: string,
  params: ReturnType<typeof filterParams>,
): Record<TicketStatus, number> {
  const counts: Record<TicketStatus, number> = { open: 0, pending: 0, resolved: 0 };
  const rows = prepared(db, `SELECT t.status, count(*) AS n ${from} WHERE ${where} GROUP BY t.status`).all(
    params,
  ) as Array<{ status: TicketStatus; n: number }>;
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** Whether there is any ticket at all (an empty desk shows how to get mail in). */
export function anyTickets(db: Database): boolean {
  return prepared(db, 'SELECT EXISTS (SELECT 1 FROM tickets)').pluck().get() === 1;
}
