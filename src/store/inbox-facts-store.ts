import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/** What the inbox shows of a ticket's first report, stored on the ticket (denormalised for paging and sorting). */
export interface InboxFacts {
  originalSubject: string | null;
  sender: string | null;
  provider: string | null;
  sendingDomain: string | null;
  sourceIp: string | null;
}

/**
 * Sets the facts a ticket does not have yet (the first report's win: later reports on a group never change them).
 * A ticket that has every fact this report could give is not written at all: an UPDATE that changes nothing still
 * writes a new row version (and, on PostgreSQL, an entry in each of the ticket's indexes), which on a ticket
 * gathering a burst of reports doubled the cost of each.
 */
export function setInboxFacts(db: Database, ticketId: string, f: InboxFacts): void {
  prepared(
    db,
    `UPDATE tickets SET original_subject = coalesce(original_subject, @originalSubject), sender = coalesce(sender, @sender),
       provider = coalesce(provider, @provider), sending_domain = coalesce(sending_domain, @sendingDomain),
       source_ip = coalesce(source_ip, @sourceIp)
     WHERE id = @id AND ((original_subject IS NULL AND @originalSubject IS NOT NULL) OR (sender IS NULL AND @sender IS NOT NULL)
       OR (provider IS NULL AND @provider IS NOT NULL) OR (sending_domain IS NULL AND @sendingDomain IS NOT NULL)
       OR (source_ip IS NULL AND @sourceIp IS NOT NULL))`,
  ).run({
    id: ticketId,
    originalSubject: f.originalSubject?.slice(0, 300) ?? null,
    sender: f.sender?.slice(0, 320) ?? null,
    provider: f.provider?.slice(0, 100) ?? null,
    sendingDomain: f.sendingDomain?.slice(0, 255) ?? null,
    sourceIp: f.sourceIp?.slice(0, 64) ?? null,
  });
}
