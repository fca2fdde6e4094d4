import { prepared } from '../db/prepared.ts';
import type { Database } from 'better-sqlite3';
import { newTicketId } from './ticket-id.ts';
import { inboxSearchClauses, readSearch, type InboxSearch } from './ticket-inbox.ts';

import type { TicketEventType, TicketStatus, TicketType } from './vocabulary.ts';

export type { TicketEventType, TicketStatus, TicketType } from './vocabulary.ts';

export interface Ticket {
  id: string;
  type: TicketType;
  status: TicketStatus;
  subject: string;
  client: string | null;
  campaign: string | null;
  parentId: string | null;
  reporter: string | null;
  trusted: boolean;
  flags: string[];
  reportCount: number;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  /** The staff login that owns the ticket, or null. */
  assignee: string | null;
  /** Why a pending ticket waits (null unless pending). */
  pendingReason: string | null;
}

export interface TicketEvent {
  id: number;
  at: string;
  type: TicketEventType;
  actor: string;
  text: string;
  data: unknown;
  reportId: number | null;
}

interface TicketRow {
  id: string;
  type: TicketType;
  status: TicketStatus;
  subject: string;
  client: string | null;
  campaign: string | null;
  parent_id: string | null;
  reporter: string | null;
  trusted: number;
  flags: string;
  report_count: number;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  assignee: string | null;
  pending_reason: string | null;
}

const select = `SELECT t.*, c.slug AS client, k.slug AS campaign, (SELECT u.email FROM staff_users u WHERE u.id = t.assignee_id) AS assignee FROM tickets t LEFT JOIN clients c ON c.id = t.client_id LEFT JOIN campaigns k ON k.id = t.campaign_id`;

const toTicket = (r: TicketRow): Ticket => ({
  id: r.id,
  type: r.type,
  status: r.status,
  subject: r.subject,
  client: r.client,
  campaign: r.campaign,
  parentId: r.parent_id,
  reporter: r.reporter,
  trusted: r.trusted === 1,
  flags: JSON.parse(r.flags) as string[],
  reportCount: r.report_count,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  resolvedAt: r.resolved_at,
  assignee: r.assignee,
  // Kept only while pending: a status change elsewhere (API, CLI, bulk) leaves the column behind.
  pendingReason: r.status === 'pending' ? r.pending_reason : null,
});

export interface NewTicket {
  type: TicketType;
  subject: string;
  clientId?: number | null;
  campaignId?: number | null;
  parentId?: string | null;
  incidentKey?: string | null;
  reporter?: string | null;
  trusted?: boolean;
  now: Date;
}

export function createTicket(db: Database, t: NewTicket): string {
  const at = t.now.toISOString();
  // A collision among 729 million ids is rare; retry rather than fail.
  for (;;) {
    const id = newTicketId();
    const r = prepared(
      db,
      `INSERT INTO tickets (id, type, subject, client_id, campaign_id, parent_id, incident_key, reporter, trusted, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ).run(
      id,
      t.type,
      t.subject.slice(0, 300),
      t.clientId ?? null,
      t.campaignId ?? null,
      t.parentId ?? null,
      t.incidentKey ?? null,
      t.reporter ?? null,
      t.trusted ? 1 : 0,
      at,
      at,
    );
    if (r.changes === 1) return id;
  }
}

export function getTicket(db: Database, id: string): Ticket | null {
  const r = prepared(db, `${select} WHERE t.id = ?`).get(id.toUpperCase()) as TicketRow | undefined;
  return r ? toTicket(r) : null;
}

export function ticketByIncidentKey(db: Database, key: string): Ticket | null {
  const r = prepared(db, `${select} WHERE t.incident_key = ?`).get(key) as TicketRow | undefined;
  return r ? toTicket(r) : null;
}

export function addTicketEvent(
  db: Database,
  ticketId: string,
  e: {
    type: TicketEventType;
    text: string;
    data?: unknown;
    reportId?: number | null;
    actor?: string;
    now: Date;
  },
): void {
  insertTicketEvent(db, ticketId, e);
  prepared(db, 'UPDATE tickets SET updated_at = ? WHERE id = ?').run(e.now.toISOString(), ticketId);
}

/** The timeline entry alone: the caller moves the ticket's updated_at in its own UPDATE. */
function insertTicketEvent(db: Database, ticketId: string, e: Parameters<typeof addTicketEvent>[2]): void {
  prepared(
    db,
    'INSERT INTO ticket_events (ticket_id, at, type, actor, text, data, report_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    ticketId,
    e.now.toISOString(),
    e.type,
    e.actor ?? 'system',
    e.text,
    e.data === undefined ? null : JSON.stringify(e.data),
    e.reportId ?? null,
  );
}

export function ticketEvents(db: Database, ticketId: string): TicketEvent[] {
  const rows = prepared(
    db,
    'SELECT id, at, type, actor, text, data, report_id AS reportId FROM ticket_events WHERE ticket_id = ? ORDER BY id',
  ).all(ticketId) as Array<Omit<TicketEvent, 'data'> & { data: string | null }>;
  return rows.map((r) => ({ ...r, data: r.data ? (JSON.parse(r.data) as unknown) : null }));
}

/** Changes status with a timeline entry; returns false when the ticket does not exist. */
export function setTicketStatus(
  db: Database,
  id: string,
  status: TicketStatus,
  by: { actor: string; note?: string | undefined; now: Date },
): boolean {
  const t = getTicket(db, id);
  if (!t) return false;
  if (t.status === status) return true;
  prepared(db, 'UPDATE tickets SET status = ?, resolved_at = ? WHERE id = ?').run(
    status,
    status === 'resolved' ? by.now.toISOString() : null,
    t.id,
  );
  addTicketEvent(db, t.id, {
    type: 'status',
    actor: by.actor,
    text: `${t.status} → ${status}${by.note ? `: ${by.note}` : ''}`,
    now: by.now,
  });
  return true;
}

/** What recording a report on a ticket needs to know of it: its flags and whether it is resolved. */
export type TicketState = Pick<Ticket, 'id' | 'flags' | 'status'>;

/** A ticket's flags with a report's added (each once, in the order first seen). */
export const mergeFlags = (flags: readonly string[], added: readonly string[]): string[] => [
  ...new Set([...flags, ...added]),
];

/** A report's entry on the ticket's timeline, and a resolved ticket reopened; counting it is the caller's. */
export function reportEventOnTicket(
  db: Database,
  t: TicketState,
  r: { reportId: number; text: string; now: Date; data?: unknown },
): { reopened: boolean } {
  insertTicketEvent(db, t.id, {
    type: 'report',
    text: r.text,
    reportId: r.reportId,
    data: r.data,
    now: r.now,
  });
  if (t.status !== 'resolved') return { reopened: false };
  setTicketStatus(db, t.id, 'open', {
    actor: 'system',
    note: 'reopened: a new report arrived after it was resolved',
    now: r.now,
  });
  return { reopened: true };
}

/** Counts `count` reports on a ticket: its report count, its flags (all of them, merged by the caller), its last change. */
export function countReportsOnTicket(
  db: Database,
  id: string,
  c: { count: number; flags: readonly string[]; now: Date },
): void {
  prepared(
    db,
    'UPDATE tickets SET report_count = report_count + ?, flags = ?, updated_at = ? WHERE id = ?',
  ).run(c.count, JSON.stringify(c.flags), c.now.toISOString(), id);
}

/**
 * Records a report on a ticket: counts it, merges policy flags, and reopens a resolved ticket. `known` is the
 * ticket as the caller just read it in this transaction (saves reading it again).
 */
export function recordReportOnTicket(
  db: Database,
  id: string,
  r: { reportId: number; text: string; flags: string[]; now: Date; data?: unknown },
  known?: TicketState,
): { reopened: boolean } {
  const t = known ?? getTicket(db, id)!;
  const flags = mergeFlags(t.flags, r.flags);
  const { reopened } = reportEventOnTicket(db, t, r);
  countReportsOnTicket(db, id, { count: 1, flags, now: r.now });
  return { reopened };
}

export interface ListTicketsOptions {
  status?: string | undefined;
  type?: string | undefined;
  client?: string | undefined;
  limit?: number;
  before?: string | undefined;
}

export function listTickets(db: Database, o: ListTicketsOptions = {}): Ticket[] {
  const rows = prepared(
    db,
    `${select} WHERE (@status IS NULL OR t.status = @status) AND (@type IS NULL OR t.type = @type) AND (@client IS NULL OR c.slug = @client)
       AND (@before IS NULL OR t.updated_at < @before) ORDER BY t.updated_at DESC, t.id LIMIT @limit`,
  ).all({
    status: o.status ?? null,
    type: o.type ?? null,
    client: o.client ?? null,
    before: o.before ?? null,
    limit: o.limit ?? 50,
  }) as TicketRow[];
  return rows.map(toTicket);
}

/**
 * Acknowledgements by outcome, all time, from ticket timelines: a `mail` event of kind ack-queued (outcome
 * `sent`), or an `action` event of kind ack-skipped naming the rule that stopped it (outcome `skipped`). Read from
 * acknowledgement_counts, which triggers on ticket_events keep, instead of from every event.
 */
export function acknowledgementCounts(
  db: Database,
): Array<{ outcome: 'sent' | 'skipped'; rule: string; n: number }> {
  return prepared(
    db,
    'SELECT outcome, rule, n FROM acknowledgement_counts WHERE n > 0 ORDER BY outcome, rule',
  ).all() as Array<{ outcome: 'sent' | 'skipped'; rule: string; n: number }>;
}

/** The newest complaint ticket that has a reporter to write to, or null. */
export function latestComplaintWithReporter(db: Database): { id: string; reporter: string } | null {
  return (
    (prepared(
      db,
      `SELECT id, reporter FROM tickets WHERE type = 'complaint' AND reporter IS NOT NULL ORDER BY created_at DESC LIMIT 1`,
    ).get() as { id: string; reporter: string } | undefined) ?? null
  );
}

/** Ids of the tickets linked under a parent (an incident's tickets), oldest first. */
export function childTicketIds(db: Database, parentId: string): string[] {
  return prepared(db, 'SELECT id FROM tickets WHERE parent_id = ? ORDER BY created_at')
    .pluck()
    .all(parentId) as string[];
}

export interface TicketSearch {
  status?: string | undefined;
  type?: string | undefined;
  client?: string | undefined;
  campaign?: string | undefined;
  trusted?: boolean | undefined;
  /** Created at or after (ISO 8601). */
  from?: string | undefined;
  /** Created before (ISO 8601). */
  to?: string | undefined;
  /** The inbox's search: a ticket id, an identifier a report names (address, Message-ID, queue id, IP, domain), or text. */
  q?: string | undefined;
  /** Only tickets after this one in the order (the last of the previous page). */
  after?: { updatedAt: string; id: string } | undefined;
  limit: number;
}

// One statement per search mode for every filter combination (unset filters are NULL), newest activity first.
const searchWhere = (mode: InboxSearch['mode']): string => `
  WHERE (@status IS NULL OR t.status = @status) AND (@type IS NULL OR t.type = @type)
    AND (@client IS NULL OR c.slug = @client) AND (@campaign IS NULL OR k.slug = @campaign)
    AND (@trusted IS NULL OR t.trusted = @trusted)
    AND (@from IS NULL OR t.created_at >= @from) AND (@to IS NULL OR t.created_at < @to)
    AND ${inboxSearchClauses[mode]}
    AND (@cu IS NULL OR t.updated_at < @cu OR (t.updated_at = @cu AND t.id < @cid))`;
const searchSql = (mode: InboxSearch['mode']): string => `${select}${searchWhere(mode)}
  ORDER BY t.updated_at DESC, t.id DESC LIMIT @limit`;
const countSql = (mode: InboxSearch['mode']): string =>
  `SELECT count(*) FROM tickets t LEFT JOIN clients c ON c.id = t.client_id LEFT JOIN campaigns k ON k.id = t.campaign_id${searchWhere(mode)}`;

/** Tickets matching every given filter, most recently active first (keyset pagination by updatedAt and id). */
export function searchTickets(db: Database, s: TicketSearch): Ticket[] {
  const { mode, params } = searchParams(db, s);
  return (prepared(db, searchSql(mode)).all(params) as TicketRow[]).map(toTicket);
}

/** `searchTickets` read one row at a time from the database; `limit` null means every match. */
export function* iterateTicketSearch(
  db: Database,
  s: Omit<TicketSearch, 'limit'> & { limit: number | null },
): Generator<Ticket> {
  const { mode, params } = searchParams(db, { ...s, limit: s.limit ?? -1 });
  const rows = prepared(db, searchSql(mode)).iterate(params) as IterableIterator<TicketRow>;
  for (const r of rows) yield toTicket(r);
}

/** How many tickets match the filters (`after` and `limit` are ignored). */
export function countTicketSearch(db: Database, s: Omit<TicketSearch, 'after' | 'limit'>): number {
  const { mode, params } = searchParams(db, { ...s, limit: -1 });
  return prepared(db, countSql(mode)).pluck().get(params) as number;
}

/** The statement's search mode (read as the inbox reads its search box) and its parameters. */
function searchParams(
  db: Database,
  s: TicketSearch,
): { mode: InboxSearch['mode']; params: Record<string, string | number | null> } {
  const { search, value } = readSearch(db, s.q);
  const params = {
    status: s.status ?? null,
    type: s.type ?? null,
    client: s.client ?? null,
    campaign: s.campaign ?? null,
    trusted: s.trusted === undefined ? null : s.trusted ? 1 : 0,
    from: s.from ?? null,
    to: s.to ?? null,
    q: value,
    cu: s.after?.updatedAt ?? null,
    cid: s.after?.id ?? null,
    limit: s.limit,
  };
  return { mode: search.mode, params };
}
