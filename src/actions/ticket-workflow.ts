import type { Database } from 'better-sqlite3';
import { writeAudit } from '../store/audit-store.ts';
import { setPendingReason, setTicketAssignee, type Assignable } from '../store/ticket-workflow-store.ts';
import {
  addTicketEvent,
  getTicket,
  setTicketStatus,
  type Ticket,
  type TicketStatus,
} from '../store/tickets-store.ts';

/** A desk action that cannot be done: `not-found` → 404, `conflict` → 409, `invalid` → 400 (UI, API); exit codes in the CLI. */
export class TicketActionError extends Error {
  constructor(
    readonly code: 'not-found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'TicketActionError';
  }
}

/** Who does it and when; `actor` is `user:<login>`, `token:<name>` or `cli:<user>`. */
export interface DeskActor {
  actor: string;
  now: Date;
}

export const MAX_REASON = 500;
export const MAX_NOTE = 10_000;

function ticketOrThrow(db: Database, id: string): Ticket {
  const t = getTicket(db, id);
  if (!t) throw new TicketActionError('not-found', `no ticket ${id}`);
  return t;
}

/** Gives a ticket to a staff member (null: nobody); timeline and audit say who did it. A repeat changes nothing. */
export function assignTicket(
  db: Database,
  ticketId: string,
  assignee: Assignable | null,
  by: DeskActor,
): Ticket {
  return db.transaction(() => {
    const t = ticketOrThrow(db, ticketId);
    const to = assignee?.email ?? null;
    if (t.assignee === to) return t;
    setTicketAssignee(db, t.id, assignee?.id ?? null);
    addTicketEvent(db, t.id, {
      type: 'action',
      actor: by.actor,
      text: to
        ? `assigned to ${to}${t.assignee ? ` (was ${t.assignee})` : ''}`
        : `unassigned (was ${t.assignee})`,
      data: { kind: 'ticket-assign', from: t.assignee, to },
      now: by.now,
    });
    writeAudit(db, {
      actor: by.actor,
      action: 'ticket.assign',
      target: t.id,
      detail: { from: t.assignee, to },
      now: by.now,
    });
    return getTicket(db, t.id)!;
  })();
}

/** Puts a ticket on hold with the reason it waits (required: staff must know what to wait for). */
export function setTicketPending(db: Database, ticketId: string, reason: string, by: DeskActor): Ticket {
  const why = reason.trim().slice(0, MAX_REASON);
  if (!why)
    throw new TicketActionError('invalid', 'Say why the ticket waits (a pending reason is required).');
  return db.transaction(() => {
    const t = ticketOrThrow(db, ticketId);
    setPendingReason(db, t.id, why);
    if (t.status === 'pending')
      addTicketEvent(db, t.id, {
        type: 'status',
        actor: by.actor,
        text: `still pending: ${why}`,
        data: { kind: 'ticket-pending', reason: why },
        now: by.now,
      });
    else setTicketStatus(db, t.id, 'pending', { actor: by.actor, note: why, now: by.now });
    writeAudit(db, {
      actor: by.actor,
      action: 'ticket.pending',
      target: t.id,
      detail: { from: t.status, reason: why },
      now: by.now,
    });
    return getTicket(db, t.id)!;
  })();
}

/**
 * Opens or resolves a ticket (pending goes through setTicketPending, which needs a reason). A note given with
 * it is a note on the timeline first ("resolve with note"), so it reads as the staff member's words.
 */
export function changeTicketStatus(
  db: Database,
  ticketId: string,
  status: TicketStatus,
  by: DeskActor & { note?: string | undefined },
): Ticket {
  if (status === 'pending') return setTicketPending(db, ticketId, by.note ?? '', by);
  const note = by.note?.trim().slice(0, MAX_NOTE) || undefined;
  return db.transaction(() => {
    const t = ticketOrThrow(db, ticketId);
    if (note) addTicketEvent(db, t.id, { type: 'note', actor: by.actor, text: note, now: by.now });
    setTicketStatus(db, t.id, status, { actor: by.actor, now: by.now });
    setPendingReason(db, t.id, null);
    writeAudit(db, {
      actor: by.actor,
      action: 'ticket.status',
      target: t.id,
      detail: { from: t.status, to: status, note: note ?? null },
      now: by.now,
    });
    return getTicket(db, t.id)!;
  })();
}
