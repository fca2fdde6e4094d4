import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import { quoteName, tableNames } from './table-names.ts';

/**
 * Deleting a client: what its archive holds (read section by section, rows streamed) and the deletion of its
 * campaigns, sends, tickets with their timelines, reports, the messages only those reports came from, per-client
 * suppressions, signals, volumes and history. Global suppressions, erasure records and the audit log stay.
 */

type Row = Record<string, unknown>;

/** JSON columns come back parsed, so the archive holds objects rather than strings of JSON. */
const JSON_COLUMNS = new Set([
  'parsed',
  'attribution',
  'decisions',
  'complainants',
  'flags',
  'data',
  'evidence',
  'consent',
  'assessment',
  'detail',
]);

const parseJsonColumns = (r: Row): Row => {
  for (const k of Object.keys(r)) {
    const v = r[k];
    if (JSON_COLUMNS.has(k) && typeof v === 'string') {
      try {
        r[k] = JSON.parse(v) as unknown;
      } catch {
        // not JSON after all: kept as text
      }
    }
  }
  return r;
};

/** The client row (without its webhook signing secret). */
export function clientRowForArchive(db: Database, clientId: number): Row | null {
  const r = prepared(db, 'SELECT * FROM clients WHERE id = ?').get(clientId) as Row | undefined;
  if (!r) return null;
  delete r.webhook_secret;
  return parseJsonColumns(r);
}

const SECTIONS = {
  domains: 'SELECT domain FROM client_domains WHERE client_id = ? ORDER BY domain',
  campaigns: 'SELECT * FROM campaigns WHERE client_id = ? ORDER BY id',
  sends: 'SELECT * FROM sends WHERE client_id = ? ORDER BY id',
  reports: 'SELECT * FROM reports WHERE client_id = ? ORDER BY id',
  tickets: 'SELECT * FROM tickets WHERE client_id = ? ORDER BY created_at, id',
  suppressions: 'SELECT * FROM suppressions WHERE client_id = ? ORDER BY id',
  signals: 'SELECT * FROM client_signals WHERE client_id = ? ORDER BY id',
  statusChanges: 'SELECT * FROM client_status_changes WHERE client_id = ? ORDER BY id',
  unsubscribeRequests: 'SELECT * FROM unsubscribe_requests WHERE client_id = ? ORDER BY id',
  sendVolume: 'SELECT * FROM send_volume WHERE client_id = ? ORDER BY day, campaign_id, mailbox_provider',
} as const;
export type ArchiveSection = keyof typeof SECTIONS;
export const archiveSections = Object.keys(SECTIONS) as ArchiveSection[];

/** One section of a client's archive, row by row (tickets carry their timeline as `events`; domains are strings). */
export function* archiveRows(db: Database, clientId: number, section: ArchiveSection): Generator<unknown> {
  const events = prepared(db, 'SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id');
  // Read the rows of a section first when each needs a second query (one statement per connection reads at a time).
  if (section === 'tickets') {
    const tickets = prepared(db, SECTIONS.tickets).all(clientId) as Row[];
    for (const t of tickets)
      yield { ...parseJsonColumns(t), events: (events.all(t.id) as Row[]).map(parseJsonColumns) };
    return;
  }
  for (const r of prepared(db, SECTIONS[section]).iterate(clientId) as IterableIterator<Row>)
    yield section === 'domains' ? r.domain : parseJsonColumns(r);
}

/** Tables with a client_id column (including ones added later): the deletion sweeps them all. */
function clientIdTables(db: Database): string[] {
  return tableNames(db).filter((t) =>
    (db.pragma(`table_info(${quoteName(t)})`) as Array<{ name: string }>).some((c) => c.name === 'client_id'),
  );
}

/**
 * Deletes a client and everything that is only its (inside the caller's transaction); returns rows deleted per
 * table. Outbox rows about its tickets or reports, and webhooks queued for it, go too.
 */
export function deleteClientRows(db: Database, clientId: number): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (k: string, n: number): void => {
    if (n > 0) counts[k] = (counts[k] ?? 0) + n;
  };
  const reportIds = JSON.stringify(
    prepared(db, 'SELECT id FROM reports WHERE client_id = ?').pluck().all(clientId),
  );
  const messageIds = JSON.stringify(
    prepared(db, 'SELECT message_id FROM reports WHERE client_id = ?').pluck().all(clientId),
  );
  const ticketIds = JSON.stringify(
    prepared(db, 'SELECT id FROM tickets WHERE client_id = ?').pluck().all(clientId),
  );
  add(
    'outbox',
    prepared(
      db,
      `DELETE FROM outbox WHERE ticket_id IN (SELECT value FROM json_each(@tickets))
         OR report_id IN (SELECT value FROM json_each(@reports))
         OR (kind = 'webhook' AND json_valid(payload) AND json_extract(payload, '$.clientId') = @client)`,
    ).run({ tickets: ticketIds, reports: reportIds, client: clientId }).changes,
  );
  add(
    'ticket_events',
    prepared(db, 'DELETE FROM ticket_events WHERE ticket_id IN (SELECT value FROM json_each(?))').run(
      ticketIds,
    ).changes,
  );
  add('tickets', prepared(db, 'DELETE FROM tickets WHERE client_id = ?').run(clientId).changes);
  add('client_signals', prepared(db, 'DELETE FROM client_signals WHERE client_id = ?').run(clientId).changes);
  add('reports', prepared(db, 'DELETE FROM reports WHERE client_id = ?').run(clientId).changes);
  // Each message has at most one report: the client's reports' messages are the client's alone.
  add(
    'messages',
    prepared(
      db,
      `DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?)) AND id NOT IN (SELECT message_id FROM reports)`,
    ).run(messageIds).changes,
  );
  add('sends', prepared(db, 'DELETE FROM sends WHERE client_id = ?').run(clientId).changes);
  add('campaigns', prepared(db, 'DELETE FROM campaigns WHERE client_id = ?').run(clientId).changes);
  for (const table of clientIdTables(db))
    add(table, db.prepare(`DELETE FROM ${quoteName(table)} WHERE client_id = ?`).run(clientId).changes);
  add('clients', prepared(db, 'DELETE FROM clients WHERE id = ?').run(clientId).changes);
  return counts;
}
