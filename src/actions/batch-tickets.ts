import type { Database } from 'better-sqlite3';
import { setInboxFacts, type InboxFacts } from '../store/inbox-facts-store.ts';
import {
  countReportsOnTicket,
  mergeFlags,
  reportEventOnTicket,
  ticketByIncidentKey,
  type TicketState,
} from '../store/tickets-store.ts';
import type { StageContext } from '../worker/stage.ts';

/** What a batch's reports add to one ticket, written when the batch ends. */
interface Tally {
  /** The ticket as the batch made it (its flags are the ones written). */
  ticket: TicketState;
  count: number;
  now: Date;
  /** Each fact as the first report that had it gave it (the ticket keeps any it has already). */
  facts: InboxFacts;
}

const FACTS = ['originalSubject', 'sender', 'provider', 'sendingDomain', 'sourceIp'] as const;

/**
 * The tickets reports land on. A burst of complaints about one campaign lands on one incident ticket: recording
 * each report on its own read the ticket, then updated its inbox facts and its count — every report a new version
 * of the same row (on PostgreSQL with an entry in each of the ticket's indexes). With `countAtEnd` (a batch of the
 * pipeline), an incident's ticket is read once a batch, each report still gets its own timeline entry (and reopens
 * a resolved ticket at once), and the count, flags, last change and inbox facts of each ticket are written once, by
 * `write` when the batch ends; within the batch's transaction nothing but its own reports counts on these tickets.
 * Without it (one report on its own), each report is counted at once.
 */
export class BatchTickets {
  private readonly byKey = new Map<string, TicketState | null>();
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly db: Database,
    private readonly countAtEnd: boolean,
  ) {}

  /** The ticket of an incident key: read on first use, then as the reports recorded here changed it. */
  byIncidentKey(key: string): TicketState | null {
    if (!this.byKey.has(key)) this.byKey.set(key, ticketByIncidentKey(this.db, key));
    return this.byKey.get(key)!;
  }

  /** A ticket just opened (under `key`, if it aggregates reports): no flags, open. */
  opened(id: string, key?: string): TicketState {
    const t: TicketState = { id, flags: [], status: 'open' };
    if (key !== undefined) this.byKey.set(key, t);
    return t;
  }

  /** Records a report on the ticket: its timeline entry now; its count, flags and facts now or when the batch ends. */
  record(
    t: TicketState,
    r: { reportId: number; text: string; flags: string[]; now: Date; data?: unknown },
    facts: InboxFacts,
  ): { reopened: boolean } {
    const { reopened } = reportEventOnTicket(this.db, t, r);
    if (reopened) t.status = 'open';
    t.flags = mergeFlags(t.flags, r.flags);
    if (!this.countAtEnd) {
      this.count({ ticket: t, count: 1, now: r.now, facts });
      return { reopened };
    }
    let tally = this.tallies.get(t.id);
    if (!tally) {
      tally = { ticket: t, count: 0, now: r.now, facts: { ...facts } };
      this.tallies.set(t.id, tally);
    }
    tally.count++;
    tally.now = r.now;
    for (const k of FACTS) tally.facts[k] ??= facts[k];
    return { reopened };
  }

  /** Writes what the batch's reports added to each ticket. */
  write(): void {
    for (const tally of this.tallies.values()) this.count(tally);
    this.tallies.clear();
  }

  private count(t: Tally): void {
    setInboxFacts(this.db, t.ticket.id, t.facts);
    countReportsOnTicket(this.db, t.ticket.id, { count: t.count, flags: t.ticket.flags, now: t.now });
  }
}

/**
 * The batch's tickets for a stage of the pipeline; undefined when the batch is written message by message in
 * savepoints (a message undone alone must take its count, and any ticket it opened, with it: each report is then
 * recorded on its own).
 */
export function batchTickets(ctx: StageContext): BatchTickets | undefined {
  if (ctx.batch.isolated) return undefined;
  return ctx.batch.once('tickets', () => {
    const tickets = new BatchTickets(ctx.db, true);
    ctx.batch.atEnd(() => tickets.write());
    return tickets;
  });
}
