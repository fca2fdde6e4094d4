import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/** What an exact search term on a ticket is: the identifiers staff paste into the inbox search. */
export const inboxTermKinds = [
  'address',
  'reporter',
  'message-id',
  'queue-id',
  'source-ip',
  'sending-domain',
] as const;
export type InboxTermKind = (typeof inboxTermKinds)[number];

export interface InboxTerm {
  kind: InboxTermKind;
  value: string | null | undefined;
}

/**
 * One spelling for storing and looking up: lower case, no surrounding space or angle brackets (a Message-ID
 * is found with or without them; RFC 5322 Message-IDs compare case-sensitively, but staff paste them from mail
 * clients that do not care, and a false hit costs nothing here).
 */
export const normalizeTerm = (value: string): string =>
  value
    .trim()
    .replace(/^<+|>+$/g, '')
    .replace(/^mailto:/i, '')
    .trim()
    .toLowerCase();

/** Records the identifiers one report names on a ticket (idempotent: the same term is stored once). */
export function indexTicketTerms(
  db: Database,
  ticketId: string,
  reportId: number,
  terms: readonly InboxTerm[],
): void {
  const rows = new Map<string, [term: string, kind: InboxTermKind]>();
  for (const t of terms) {
    const term = t.value ? normalizeTerm(t.value) : '';
    if (term && term.length <= 320) rows.set(`${t.kind} ${term}`, [term, t.kind]);
  }
  if (rows.size === 0) return;
  // One statement for all of them (a report names six or so): each statement is a round trip on PostgreSQL.
  prepared(
    db,
    `INSERT OR IGNORE INTO ticket_terms (term, kind, ticket_id, report_id) VALUES ${Array.from(rows, () => '(?, ?, ?, ?)').join(', ')}`,
  ).run(...[...rows.values()].flatMap(([term, kind]) => [term, kind, ticketId, reportId]));
}

/** Which kinds of identifier a term matched on any ticket (empty: it names nothing we know). */
export function termKinds(db: Database, value: string): InboxTermKind[] {
  return prepared(db, 'SELECT DISTINCT kind FROM ticket_terms WHERE term = ? ORDER BY kind')
    .pluck()
    .all(normalizeTerm(value)) as InboxTermKind[];
}
