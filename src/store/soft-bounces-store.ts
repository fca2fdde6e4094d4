import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/** Records one soft bounce of an attributed address (a report counts once per address). */
export function recordSoftBounce(
  db: Database,
  b: {
    clientId: number;
    address: string;
    reportId: number;
    sendId: number | null;
    originalMessageId: string | null;
    at: Date;
  },
): void {
  prepared(
    db,
    `INSERT INTO soft_bounces (client_id, address, report_id, send_id, original_message_id, at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (report_id, address) DO NOTHING`,
  ).run(
    b.clientId,
    b.address.trim().toLowerCase(),
    b.reportId,
    b.sendId,
    b.originalMessageId,
    b.at.toISOString(),
  );
}

export interface SoftBounceHistory {
  /** The report ids of the soft bounces that count, oldest first. */
  reportIds: number[];
  /** The newest send to the address that did not bounce, within the window (null: none). */
  lastDeliveryAt: string | null;
}

/**
 * The soft bounces of an address for one client since `since` that came after its last delivery: a send in the
 * send log within the window that is not one of the bounced sends (by send id or Message-ID).
 */
export function softBounceHistory(
  db: Database,
  o: { clientId: number; address: string; since: Date; now: Date },
): SoftBounceHistory {
  const p = {
    client: o.clientId,
    address: o.address.trim().toLowerCase(),
    since: o.since.toISOString(),
    now: o.now.toISOString(),
  };
  const lastDeliveryAt = prepared(
    db,
    `SELECT max(s.sent_at) FROM sends s
      WHERE s.client_id = @client AND s.recipient = @address AND s.sent_at >= @since AND s.sent_at <= @now
        AND NOT EXISTS (SELECT 1 FROM soft_bounces b WHERE b.client_id = @client AND b.address = @address
                          AND (b.send_id = s.id OR (s.message_id IS NOT NULL AND b.original_message_id = s.message_id)))`,
  )
    .pluck()
    .get(p) as string | null;
  const reportIds = prepared(
    db,
    `SELECT report_id FROM soft_bounces WHERE client_id = @client AND address = @address AND at >= @since
       AND (@delivered IS NULL OR at > @delivered) ORDER BY at, id`,
  )
    .pluck()
    .all({ ...p, delivered: lastDeliveryAt }) as number[];
  return { reportIds, lastDeliveryAt };
}
