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
  /** One signal per client, campaign, signal and recipient. */
  dedupe: string;
  at: string;
}

/**
 * Stores a signal; a repeat that is better evidence (counts where the stored one did not) upgrades it.
 * Returns true when the signal was new.
 */
export function saveSignal(db: Database, s: SignalRow): boolean {
  const existed = prepared(db, 'SELECT 1 FROM client_signals WHERE dedupe = ?').get(s.dedupe) !== undefined;
  prepared(
    db,
    `INSERT INTO client_signals (client_id, campaign_id, signal, recipient, mailbox_provider, report_id, counts, reason, dedupe, at)
     VALUES (@clientId, @campaignId, @signal, @recipient, @provider, @reportId, @counts, @reason, @dedupe, @at)
     ON CONFLICT (dedupe) DO UPDATE SET counts = 1, reason = excluded.reason, report_id = excluded.report_id, at = excluded.at
       WHERE excluded.counts = 1 AND counts = 0`,
  ).run(s);
  return !existed;
}

export interface SignalTotals {
  campaignId: number | null;
  signal: string;
  provider: string | null;
  counted: number;
  uncounted: number;
}

/** A client's signals since `since`, summed per campaign, signal and mailbox provider. */
export function signalTotalsSince(db: Database, clientId: number, since: string): SignalTotals[] {
  return prepared(
    db,
    `SELECT campaign_id AS campaignId, signal, mailbox_provider AS provider, sum(counts) AS counted, count(*) - sum(counts) AS uncounted
     FROM client_signals WHERE client_id = ? AND at >= ? GROUP BY campaign_id, signal, mailbox_provider`,
  ).all(clientId, since) as SignalTotals[];
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

/** A client's status history, newest first. */
export function clientStatusHistory(db: Database, clientId: number, limit = 100): StatusHistoryEntry[] {
  const rows = prepared(
    db,
    `SELECT id, at, from_status AS "from", to_status AS "to", actor, mode, reason, note, evidence, consent, ticket_id AS ticketId
     FROM client_status_changes WHERE client_id = ? ORDER BY id DESC LIMIT ?`,
  ).all(clientId, limit) as Array<
    Omit<StatusHistoryEntry, 'evidence' | 'consent'> & { evidence: string | null; consent: string | null }
  >;
  return rows.map((r) => ({
    ...r,
    evidence: r.evidence ? (JSON.parse(r.evidence) as unknown) : null,
    consent: r.consent ? (JSON.parse(r.consent) as unknown) : null,
  }));
}
