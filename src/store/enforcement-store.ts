import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { ClientStatus, SignalKind, StatusChangeMode } from './vocabulary.ts';

// client_signals, client_status_changes and send_volume: the enforcement record of each client.

export interface SignalRow {
  clientId: number;
  campaignId: number | null;
  signal: SignalKind;
  recipient: string | null;
  provider: string | null;
  reportId: number | null;
  counts: 0 | 1;
  reason: string;
  /** The rule that let it count, or `not-counted:…`. */
  rule: string;
  /** authenticated, corroborated or unauthenticated; null when it does not count. */
  basis: string | null;
  /** Organizational domain of the report's sender, null when unknown. */
  reporterDomain: string | null;
  /** /24 or /48 of the SMTP client that delivered the report, null when unknown. */
  sourceNetwork: string | null;
  /** One signal per client, campaign, signal and recipient. */
  dedupe: string;
  at: string;
}

// Stronger evidence replaces weaker: not counted < counted on a token alone < authenticated or corroborated.
const strength = (counts: string, basis: string): string =>
  `(CASE WHEN ${counts} = 0 THEN 0 WHEN ${basis} = 'unauthenticated' THEN 1 ELSE 2 END)`;

const writeSignalSql = `INSERT INTO client_signals (client_id, campaign_id, signal, recipient, mailbox_provider, report_id, counts, reason, rule, basis, reporter_domain, source_network, dedupe, at)
     VALUES (@clientId, @campaignId, @signal, @recipient, @provider, @reportId, @counts, @reason, @rule, @basis, @reporterDomain, @sourceNetwork, @dedupe, @at)
     ON CONFLICT (dedupe) DO UPDATE SET counts = excluded.counts, reason = excluded.reason, rule = excluded.rule,
       basis = excluded.basis, reporter_domain = excluded.reporter_domain, source_network = excluded.source_network,
       report_id = excluded.report_id, at = excluded.at
       WHERE ${strength('excluded.counts', 'excluded.basis')} > ${strength('counts', 'basis')}`;

/**
 * Stores a signal; a repeat that is better evidence (counts where the stored one did not, or is authenticated
 * where the stored one stood on a token alone) upgrades it, a weaker or equal one changes nothing. Nothing is read
 * back: on PostgreSQL the insert travels with the transaction's next statement.
 */
export function writeSignal(db: Database, s: SignalRow): void {
  prepared(db, writeSignalSql).run(s);
}

/** One reporting domain and the network it reported from. */
export interface SignalSourcePair {
  domain: string;
  network: string;
}

/** A signal's (reporting domain, source network) as one value: null when either is unknown (client_signals_sources). */
const SOURCE_PAIR = `(reporter_domain || ' ' || source_network)`;

/**
 * The distinct (reporting domain, source network) pairs behind a client's signals of one kind since `since`
 * that count or wait for corroboration (`waitingRule`); signals without both are no source. The client's pairs
 * are walked one index seek each (a loose scan of client_signals_sources), each kept when one of its signals in
 * the window qualifies: the cost follows the number of pairs, not of signals.
 */
export function signalSourcesSince(
  db: Database,
  clientId: number,
  signal: SignalKind,
  since: string,
  waitingRule: string,
): SignalSourcePair[] {
  const pairs = prepared(
    db,
    `WITH RECURSIVE pairs (pair) AS (
       SELECT (SELECT ${SOURCE_PAIR} FROM client_signals WHERE client_id = @clientId AND signal = @signal
                 AND ${SOURCE_PAIR} IS NOT NULL ORDER BY ${SOURCE_PAIR} LIMIT 1)
       UNION ALL
       SELECT (SELECT ${SOURCE_PAIR} FROM client_signals WHERE client_id = @clientId AND signal = @signal
                 AND ${SOURCE_PAIR} > pairs.pair ORDER BY ${SOURCE_PAIR} LIMIT 1)
         FROM pairs WHERE pairs.pair IS NOT NULL
     )
     SELECT pair FROM pairs WHERE pair IS NOT NULL AND EXISTS (
       SELECT 1 FROM client_signals WHERE client_id = @clientId AND signal = @signal AND ${SOURCE_PAIR} = pairs.pair
         AND at >= @since AND (counts = 1 OR rule = @waitingRule))`,
  )
    .pluck()
    .all({ clientId, signal, since, waitingRule }) as string[];
  return pairs
    .map((pair) => {
      const space = pair.indexOf(' ');
      return { domain: pair.slice(0, space), network: pair.slice(space + 1) };
    })
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : a.network < b.network ? -1 : 1));
}

/** Counts a client's signals of one kind since `since` that waited for corroboration; returns how many. */
export function markCorroborated(
  db: Database,
  clientId: number,
  signal: SignalKind,
  since: string,
  waitingRule: string,
  rule: string,
  note: string,
): number {
  return prepared(
    db,
    `UPDATE client_signals SET counts = 1, basis = 'corroborated', rule = @rule, reason = replace(reason, 'not counted: ', '') || @note
     WHERE client_id = @clientId AND signal = @signal AND at >= @since AND rule = @waitingRule
       AND reporter_domain IS NOT NULL AND source_network IS NOT NULL`,
  ).run({ clientId, signal, since, waitingRule, rule, note }).changes;
}

export interface SignalTotals {
  campaignId: number | null;
  signal: string;
  provider: string | null;
  counted: number;
  uncounted: number;
  /** Counted on unauthenticated evidence alone (a token), neither authenticated nor corroborated. */
  unauthenticated: number;
}

/**
 * A client's signals since `since`, summed per campaign, signal and mailbox provider: whole days from their daily
 * totals (client_signal_days, kept by triggers), the first, partial day from the signals themselves. The cost
 * stays the same however many signals the window holds.
 */
export function signalTotalsSince(db: Database, clientId: number, since: string): SignalTotals[] {
  const day = since.slice(0, 10);
  const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return prepared(
    db,
    `SELECT campaign_id AS campaignId, signal, mailbox_provider AS provider, sum(counted) AS counted,
       sum(uncounted) AS uncounted, sum(unauthenticated) AS unauthenticated
     FROM (
       SELECT nullif(campaign_id, 0) AS campaign_id, signal, nullif(mailbox_provider, '') AS mailbox_provider, counted,
         uncounted, unauthenticated
       FROM client_signal_days WHERE client_id = @clientId AND day >= @nextDay
       UNION ALL
       SELECT campaign_id, signal, mailbox_provider, counts, 1 - counts,
         CASE WHEN counts = 1 AND basis = 'unauthenticated' THEN 1 ELSE 0 END
       FROM client_signals WHERE client_id = @clientId AND at >= @since AND at < @nextDay
     ) AS window_signals
     GROUP BY campaign_id, signal, mailbox_provider`,
  ).all({ clientId, since, nextDay }) as SignalTotals[];
}

/** Reports behind the client's most recent counted signals since `since` (newest first, up to `limit` signals). */
export function recentSignalReportIds(
  db: Database,
  clientId: number,
  since: string,
  limit: number,
): number[] {
  // Newest first along the (client_id, at) index, stopping early: DISTINCT over the whole window would sort it all.
  return prepared(
    db,
    'SELECT report_id FROM client_signals WHERE client_id = ? AND at >= ? AND counts = 1 AND report_id IS NOT NULL ORDER BY at DESC LIMIT ?',
  )
    .pluck()
    .all(clientId, since, limit) as number[];
}

/** Sends in the send log per mailbox provider since `day` (YYYY-MM-DD). */
export function sendVolumeSince(
  db: Database,
  clientId: number,
  day: string,
): Array<{ provider: string; sends: number }> {
  return prepared(
    db,
    'SELECT mailbox_provider AS provider, sum(sends) AS sends FROM send_volume WHERE client_id = ? AND day >= ? GROUP BY mailbox_provider',
  ).all(clientId, day) as Array<{
    provider: string;
    sends: number;
  }>;
}

export interface StatusChangeRow {
  clientId: number;
  at: string;
  from: ClientStatus;
  to: ClientStatus;
  actor: string;
  mode: StatusChangeMode;
  reason: string;
  note: string | null;
  /** JSON, or null. */
  evidence: string | null;
  consent: string | null;
  ticketId: string;
  auditId: number | null;
}

/** Appends one row to the client's status history; returns its id. */
export function insertStatusChange(db: Database, r: StatusChangeRow): number {
  const res = prepared(
    db,
    `INSERT INTO client_status_changes (client_id, at, from_status, to_status, actor, mode, reason, note, evidence, consent, ticket_id, audit_id)
     VALUES (@clientId, @at, @from, @to, @actor, @mode, @reason, @note, @evidence, @consent, @ticketId, @auditId)`,
  ).run(r);
  return Number(res.lastInsertRowid);
}

/** The target of the latest `mode` record since the client's last applied change, or null. */
export function latestUnappliedTarget(
  db: Database,
  clientId: number,
  mode: StatusChangeMode,
): ClientStatus | null {
  return (
    (prepared(
      db,
      `SELECT to_status FROM client_status_changes WHERE client_id = ? AND mode = ?
       AND id > coalesce((SELECT max(id) FROM client_status_changes WHERE client_id = ? AND mode = 'applied'), 0) ORDER BY id DESC LIMIT 1`,
    )
      .pluck()
      .get(clientId, mode, clientId) as ClientStatus | undefined) ?? null
  );
}

export interface StatusHistoryEntry {
  id: number;
  at: string;
  from: ClientStatus;
  to: ClientStatus;
  actor: string;
  mode: StatusChangeMode;
  reason: string;
  note: string | null;
  evidence: unknown;
  consent: unknown;
  ticketId: string | null;
}

type HistoryRow = Omit<StatusHistoryEntry, 'evidence' | 'consent'> & {
  evidence: string | null;
  consent: string | null;
};

const historySql = `SELECT id, at, from_status AS "from", to_status AS "to", actor, mode, reason, note, evidence, consent, ticket_id AS ticketId
     FROM client_status_changes WHERE client_id = @client AND (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit`;

const toHistoryEntry = (r: HistoryRow): StatusHistoryEntry => ({
  ...r,
  evidence: r.evidence ? (JSON.parse(r.evidence) as unknown) : null,
  consent: r.consent ? (JSON.parse(r.consent) as unknown) : null,
});

/** A client's status history, newest first. */
export function clientStatusHistory(db: Database, clientId: number, limit = 100): StatusHistoryEntry[] {
  return (prepared(db, historySql).all({ client: clientId, before: null, limit }) as HistoryRow[]).map(
    toHistoryEntry,
  );
}

/** The same history read one row at a time: entries with an id below `before`, at most `limit` (null: all). */
export function* iterateClientStatusHistory(
  db: Database,
  clientId: number,
  o: { before?: number | null; limit: number | null },
): Generator<StatusHistoryEntry> {
  const rows = prepared(db, historySql).iterate({
    client: clientId,
    before: o.before ?? null,
    limit: o.limit ?? -1,
  }) as IterableIterator<HistoryRow>;
  for (const r of rows) yield toHistoryEntry(r);
}

export function countClientStatusHistory(db: Database, clientId: number): number {
  return prepared(db, 'SELECT count(*) FROM client_status_changes WHERE client_id = ?')
    .pluck()
    .get(clientId) as number;
}
