import type { Database } from 'better-sqlite3';
import { setInboxFacts, type InboxFacts } from '../store/inbox-facts-store.ts';
import {
  countReportsOnTicket,
  reportEventOnTicket,
  ticketByIncidentKey,
  type TicketState,
} from '../store/tickets-store.ts';
import type { StageContext } from '../worker/stage.ts';

/** What a batch's reports add to one ticket, written when the batch ends. */
interface Tally {
  count: number;
  flags: Set<string>;
  now: Date;
  /** Each fact as the first report that had it gave it (the ticket keeps any it has already). */
  facts: InboxFacts;
}

const FACTS = ['originalSubject', 'sender', 'provider', 'sendingDomain', 'sourceIp'] as const;

/**
 * The tickets a batch's reports land on. A burst of complaints about one campaign lands on one incident ticket:
 * recording each report on its own read the ticket, then updated its inbox facts and its count — every report a
 * new version of the same row (on PostgreSQL with an entry in each of the ticket's indexes). Here an incident's
 * ticket is read once a batch, each report still gets its own timeline entry (and reopens a resolved ticket at
 * once), and the count, flags, last change and inbox facts of each ticket are written once, when the batch ends.
 * Within the batch's transaction nothing but its own reports counts on these tickets.
 */
export class BatchTickets {
  private readonly byKey = new Map<string, TicketState | null>();
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly db: Database) {}

  /** The ticket of an incident key: read on first use in the batch, then as the batch changed it. */
  byIncidentKey(key: string): TicketState | null {
    if (!this.byKey.has(key)) this.byKey.set(key, ticketByIncidentKey(this.db, key));
    return this.byKey.get(key)!;
  }

  /** A ticket the batch just opened under `key`: no flags, open. */
  opened(key: string, id: string): TicketState {
    const t: TicketState = { id, flags: [], status: 'open' };
    this.byKey.set(key, t);
    return t;
  }

  /** Records a report on the ticket: its timeline entry now, its count, flags and facts when the batch ends. */
  record(
    t: TicketState,
    r: { reportId: number; text: string; flags: string[]; now: Date; data?: unknown },
    facts: InboxFacts,
  ): { reopened: boolean } {
    const { reopened } = reportEventOnTicket(this.db, t, r);
    if (reopened) t.status = 'open';
    let tally = this.tallies.get(t.id);
    if (!tally) {
      tally = { count: 0, flags: new Set(t.flags), now: r.now, facts: { ...facts } };
      this.tallies.set(t.id, tally);
    }
    tally.count++;
    for (const f of r.flags) tally.flags.add(f);
    tally.now = r.now;
    for (const k of FACTS) tally.facts[k] ??= facts[k];
    t.flags = [...tally.flags];
    return { reopened };
  }

  /** Writes what the batch's reports added to each ticket. */
  write(): void {
    for (const [id, t] of this.tallies) {
      setInboxFacts(this.db, id, t.facts);
      countReportsOnTicket(this.db, id, { count: t.count, flags: [...t.flags], now: t.now });
    }
    this.tallies.clear();
  }
}

/**
 * The batch's tickets for a stage of the pipeline; undefined when the batch is written message by message in
 * savepoints (a message undone alone must take its count with it, so each report then counts at once).
 */
export function batchTickets(ctx: StageContext): BatchTickets | undefined {
  if (ctx.batch.isolated) return undefined;
  return ctx.batch.once('tickets', () => {
    const tickets = new BatchTickets(ctx.db);
    ctx.batch.atEnd(() => tickets.write());
    return tickets;
  });
}
