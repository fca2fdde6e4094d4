import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { TicketStatus, TicketType } from './vocabulary.ts';

// The desk workflow on tickets: who owns one, why it waits, where it sits among the open tickets, and
// moving an unmatched ticket to the client staff attributed it to.

/** A staff account a ticket can be given to. */
export interface Assignable {
  id: number;
  email: string;
  name: string;
}

/** Enabled accounts that can work tickets (agents and admins), by login. */
export function assignableStaff(db: Database): Assignable[] {
  return prepared(
    db,
    `SELECT id, email, name FROM staff_users WHERE disabled_at IS NULL AND role IN ('agent', 'admin') ORDER BY email`,
  ).all() as Assignable[];
}

/** An enabled agent or admin by login (case-insensitive), or null. */
export function assignableByEmail(db: Database, email: string): Assignable | null {
  return (
    (prepared(
      db,
      `SELECT id, email, name FROM staff_users WHERE email = lower(?) AND disabled_at IS NULL AND role IN ('agent', 'admin')`,
    ).get(email.trim()) as Assignable | undefined) ?? null
  );
}

/** An enabled agent or admin by id, or null. */
export function assignableById(db: Database, id: number): Assignable | null {
  return (
    (prepared(
      db,
      `SELECT id, email, name FROM staff_users WHERE id = ? AND disabled_at IS NULL AND role IN ('agent', 'admin')`,
    ).get(id) as Assignable | undefined) ?? null
  );
}

/** Sets (or clears, with null) the owner of a ticket; false when it does not exist. */
export function setTicketAssignee(db: Database, ticketId: string, assigneeId: number | null): boolean {
  return (
    prepared(db, 'UPDATE tickets SET assignee_id = ? WHERE id = ?').run(assigneeId, ticketId.toUpperCase())
      .changes === 1
  );
}

/** Sets (or clears, with null) why a ticket waits; false when it does not exist. */
export function setPendingReason(db: Database, ticketId: string, reason: string | null): boolean {
  return (
    prepared(db, 'UPDATE tickets SET pending_reason = ? WHERE id = ?').run(reason, ticketId.toUpperCase())
      .changes === 1
  );
}

export interface TicketNeighbours {
  /** The open ticket just before this one in the inbox order (more recently active), or null. */
  prev: string | null;
  /** The open ticket just after it, or null. */
  next: string | null;
}

/**
 * The open tickets either side of a ticket in the inbox order (most recently updated first, then by id, as
 * ticket-inbox.ts lists them): what "next" and "previous" mean on a ticket page.
 */
export function openNeighbours(db: Database, ticketId: string): TicketNeighbours {
  const self = prepared(db, 'SELECT id, updated_at AS updatedAt FROM tickets WHERE id = ?').get(
    ticketId.toUpperCase(),
  ) as { id: string; updatedAt: string } | undefined;
  if (!self) return { prev: null, next: null };
  const p = { cu: self.updatedAt, cid: self.id };
  const next = prepared(
    db,
    `SELECT id FROM tickets WHERE status = 'open' AND (updated_at < @cu OR (updated_at = @cu AND id > @cid))
     ORDER BY updated_at DESC, id LIMIT 1`,
  )
    .pluck()
    .get(p) as string | undefined;
  const prev = prepared(
    db,
    `SELECT id FROM tickets WHERE status = 'open' AND (updated_at > @cu OR (updated_at = @cu AND id < @cid))
     ORDER BY updated_at, id DESC LIMIT 1`,
  )
    .pluck()
    .get(p) as string | undefined;
  return { prev: prev ?? null, next: next ?? null };
}

/** The first open ticket in the inbox order other than `exceptId`, or null. */
export function firstOpenTicket(db: Database, exceptId: string): string | null {
  return (
    (prepared(
      db,
      `SELECT id FROM tickets WHERE status = 'open' AND id <> ? ORDER BY updated_at DESC, id LIMIT 1`,
    )
      .pluck()
      .get(exceptId.toUpperCase()) as string | undefined) ?? null
  );
}

/** A linked ticket as a ticket page lists it. */
export interface LinkedTicket {
  id: string;
  type: TicketType;
  status: TicketStatus;
  subject: string;
}

/** The tickets linked under an incident, oldest first, with their status. */
export function linkedChildTickets(db: Database, parentId: string): LinkedTicket[] {
  return prepared(
    db,
    'SELECT id, type, status, subject FROM tickets WHERE parent_id = ? ORDER BY created_at, id',
  ).all(parentId.toUpperCase()) as LinkedTicket[];
}

/** One ticket's id, type, status and subject, or null. */
export function linkedTicket(db: Database, id: string): LinkedTicket | null {
  return (
    (prepared(db, 'SELECT id, type, status, subject FROM tickets WHERE id = ?').get(id.toUpperCase()) as
      LinkedTicket | undefined) ?? null
  );
}

/**
 * Charges a ticket to a client (and campaign) with its new type, subject and incident: staff attributed its reports.
 * Its grouping key goes: later unmatched reports of the same group open a new unmatched ticket for staff.
 */
export function moveTicketToClient(
  db: Database,
  ticketId: string,
  m: {
    clientId: number;
    campaignId: number | null;
    type: TicketType;
    parentId: string | null;
    subject: string;
  },
): void {
  prepared(
    db,
    'UPDATE tickets SET client_id = ?, campaign_id = ?, type = ?, parent_id = ?, subject = ?, incident_key = NULL WHERE id = ?',
  ).run(m.clientId, m.campaignId, m.type, m.parentId, m.subject, ticketId.toUpperCase());
}

/** Clients and their campaigns, for the attribution form: slug and name, by client then campaign. */
export function clientCampaignChoices(
  db: Database,
): Array<{ client: string; clientName: string; campaigns: string[] }> {
  const rows = prepared(
    db,
    `SELECT c.slug AS client, c.name AS clientName, k.slug AS campaign
     FROM clients c LEFT JOIN campaigns k ON k.client_id = c.id ORDER BY c.slug, k.slug`,
  ).all() as Array<{ client: string; clientName: string; campaign: string | null }>;
  const out: Array<{ client: string; clientName: string; campaigns: string[] }> = [];
  for (const r of rows) {
    let last = out.at(-1);
    if (last?.client !== r.client)
      out.push((last = { client: r.client, clientName: r.clientName, campaigns: [] }));
    if (r.campaign) last.campaigns.push(r.campaign);
  }
  return out;
}
