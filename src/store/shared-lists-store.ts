import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/**
 * Cross-client list intelligence: a complainant or spam trap reported against more than one client within a
 * window suggests the clients mail one shared, rented or bought list. A signal for staff only: nothing acts
 * on it automatically.
 */

/** One report (signal) about a shared address. */
export interface SharedListReport {
  reportId: number | null;
  at: string;
  signal: 'complaint' | 'trap-hit';
  /** Whether the signal counts toward enforcement (trusted evidence) or was only recorded. */
  counted: boolean;
}

/** An address reported against two or more clients. */
export interface SharedListFlag {
  address: string;
  /** True when any report about it was a spam-trap hit. */
  trap: boolean;
  clients: Array<{ client: string; first: string; last: string; reports: SharedListReport[] }>;
  /** One sentence for staff. */
  text: string;
}

interface Row {
  address: string;
  client: string;
  signal: 'complaint' | 'trap-hit';
  at: string;
  reportId: number | null;
  counts: number;
}

const SELECT_SHARED = `SELECT s.recipient AS address, c.slug AS client, s.signal, s.at, s.report_id AS reportId, s.counts
  FROM client_signals s JOIN clients c ON c.id = s.client_id
  WHERE s.recipient IN (SELECT recipient FROM candidates) AND s.signal IN ('complaint', 'trap-hit') AND s.at >= @since
    AND s.recipient IN (
      SELECT recipient FROM client_signals WHERE recipient IN (SELECT recipient FROM candidates)
        AND signal IN ('complaint', 'trap-hit') AND at >= @since GROUP BY recipient HAVING count(DISTINCT client_id) >= 2)
  ORDER BY s.recipient, c.slug, s.at`;

function group(rows: readonly Row[]): SharedListFlag[] {
  const byAddress = new Map<string, Row[]>();
  for (const r of rows) byAddress.set(r.address, [...(byAddress.get(r.address) ?? []), r]);
  return [...byAddress].map(([address, list]) => {
    const byClient = new Map<string, Row[]>();
    for (const r of list) byClient.set(r.client, [...(byClient.get(r.client) ?? []), r]);
    const clients = [...byClient].map(([client, rs]) => ({
      client,
      first: rs[0]!.at,
      last: rs[rs.length - 1]!.at,
      reports: rs.map((r) => ({ reportId: r.reportId, at: r.at, signal: r.signal, counted: r.counts === 1 })),
    }));
    const trap = list.some((r) => r.signal === 'trap-hit');
    const who = clients
      .map(
        (c) =>
          `${c.client} (${c.reports.length} report${c.reports.length === 1 ? '' : 's'}, ${c.first.slice(0, 10)}${c.last.slice(0, 10) === c.first.slice(0, 10) ? '' : ` … ${c.last.slice(0, 10)}`})`,
      )
      .join(', ');
    return {
      address,
      trap,
      clients,
      text: `${trap ? 'spam trap' : 'complainant'} ${address} reported against ${clients.length} clients: ${who} — a possible shared, rented or bought list`,
    };
  });
}

/** Complainants and traps of this client since `since` that were also reported against another client. */
export function sharedListsOfClient(db: Database, clientId: number, since: string): SharedListFlag[] {
  const rows = prepared(
    db,
    `WITH candidates AS (SELECT DISTINCT recipient FROM client_signals
       WHERE client_id = @clientId AND signal IN ('complaint', 'trap-hit') AND recipient IS NOT NULL AND at >= @since)
     ${SELECT_SHARED}`,
  ).all({ clientId, since }) as Row[];
  return group(rows);
}

/** Of these addresses (lower-case), those reported against two or more clients since `since`. */
export function sharedListsOfAddresses(
  db: Database,
  addresses: readonly string[],
  since: string,
): SharedListFlag[] {
  if (addresses.length === 0) return [];
  const rows = prepared(
    db,
    `WITH candidates AS (SELECT DISTINCT value AS recipient FROM json_each(@addresses))
     ${SELECT_SHARED}`,
  ).all({ addresses: JSON.stringify([...new Set(addresses.map((a) => a.toLowerCase()))]), since }) as Row[];
  return group(rows);
}
