import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

export interface OutboxDepth {
  /** Rows waiting for delivery (due or backing off). */
  pending: number;
  /** Rows given up on: staff attention. */
  failed: number;
  /** Queue time of the oldest pending row (a stuck relay shows here first), or null. */
  oldestPendingAt: string | null;
}

/** Outbox gauges for /healthz and /metrics. */
export function outboxDepth(db: Database): OutboxDepth {
  const row = prepared(
    db,
    `SELECT count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'failed') AS failed,
            min(CASE WHEN state = 'pending' THEN created_at END) AS oldestPendingAt
     FROM outbox WHERE state IN ('pending', 'failed')`,
  ).get() as OutboxDepth;
  return { pending: Number(row.pending), failed: Number(row.failed), oldestPendingAt: row.oldestPendingAt };
}

import type { OutboxState } from './vocabulary.ts';

export interface QueueMailRow {
  dedupeKey: string;
  /** The validated mail, as JSON. */
  payload: string;
  at: string;
  ticketId: string | null;
  reportId: number | null;
}

/** Queues a mail row; the existing row's id when the dedupe key was already queued. */
export function queueMail(db: Database, row: QueueMailRow): { id: number; created: boolean } {
  const inserted = prepared(
    db,
    `INSERT INTO outbox (kind, dedupe_key, payload, state, attempts, next_attempt_at, created_at, ticket_id, report_id)
     VALUES ('mail', @dedupeKey, @payload, 'pending', 0, @at, @at, @ticketId, @reportId)
     ON CONFLICT (dedupe_key) DO NOTHING`,
  ).run(row);
  if (inserted.changes === 1) return { id: Number(inserted.lastInsertRowid), created: true };
  return { id: outboxIdByKey(db, row.dedupeKey)!, created: false };
}

/** The outbox row queued under a dedupe key (an action already taken), or null. */
export function outboxIdByKey(db: Database, dedupeKey: string): number | null {
  return (
    (prepared(db, 'SELECT id FROM outbox WHERE dedupe_key = ?').pluck().get(dedupeKey) as
      number | undefined) ?? null
  );
}

export interface DueMailRow {
  id: number;
  kind: string;
  payload: string;
  attempts: number;
  createdAt: string;
  ticketId: string | null;
}

/** Mail rows due for delivery, oldest due first. */
export function dueMail(db: Database, now: string, limit: number): DueMailRow[] {
  return prepared(
    db,
    `SELECT id, kind, payload, attempts, created_at AS createdAt, ticket_id AS ticketId FROM outbox
     WHERE state = 'pending' AND kind = 'mail' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
  ).all(now, limit) as DueMailRow[];
}

/** Claims a due row: pushes next_attempt_at past the lease, only if nobody else did since it was read. */
export function claimOutboxRow(db: Database, id: number, now: string, lease: string): boolean {
  return (
    prepared(
      db,
      `UPDATE outbox SET next_attempt_at = @lease WHERE id = @id AND state = 'pending' AND next_attempt_at <= @now`,
    ).run({ id, now, lease }).changes === 1
  );
}

export function markMailSent(db: Database, id: number, attempts: number, at: string): void {
  prepared(
    db,
    `UPDATE outbox SET state = 'sent', attempts = @attempts, sent_at = @at, last_error = NULL WHERE id = @id`,
  ).run({ id, attempts, at });
}

/** Records a failed attempt: `pending` again at `next`, or `failed` for good. */
export function markMailAttempt(
  db: Database,
  a: { id: number; state: Exclude<OutboxState, 'sent'>; attempts: number; next: string; error: string },
): void {
  prepared(
    db,
    `UPDATE outbox SET state = @state, attempts = @attempts, next_attempt_at = @next, last_error = @error WHERE id = @id`,
  ).run(a);
}

/** Acknowledgements sent to one address on one UTC day (`outbox.ackDailyCap`). */
export function ackCount(db: Database, address: string, day: string): number {
  return (
    (prepared(db, 'SELECT count FROM ack_counts WHERE address = ? AND day = ?').pluck().get(address, day) as
      number | undefined) ?? 0
  );
}

export function bumpAckCount(db: Database, address: string, day: string): void {
  prepared(
    db,
    'INSERT INTO ack_counts (address, day, count) VALUES (?, ?, 1) ON CONFLICT (address, day) DO UPDATE SET count = count + 1',
  ).run(address, day);
}
