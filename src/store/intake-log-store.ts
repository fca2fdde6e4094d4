import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { StoredMessage } from './messages-store.ts';
import type { MessageState } from './vocabulary.ts';

// The intake log as the admin page lists it: envelope facts and what each message became, without raw bytes,
// headers or stage trails (the detail page reads those for one message).

export interface IntakeLogRow extends Pick<
  StoredMessage,
  | 'id'
  | 'queueId'
  | 'receivedAt'
  | 'source'
  | 'mailFrom'
  | 'rcptTo'
  | 'clientIp'
  | 'size'
  | 'state'
  | 'attempts'
  | 'lastError'
> {
  reportId: number | null;
  kind: string | null;
  ticketId: string | null;
}

export interface IntakeLogFilter {
  state?: MessageState | undefined;
  source?: string | undefined;
  /** Quarantined messages before the others (each group newest first). */
  quarantinedFirst?: boolean;
  /** The last row of the previous page: its id and whether it was quarantined. */
  after?: { id: number; quarantined: boolean } | undefined;
  limit: number;
}

const QUARANTINED = `(CASE WHEN m.state = 'quarantined' THEN 1 ELSE 0 END)`;

/** Messages, newest first (quarantined ones first on request), with the report and ticket each became. */
export function listIntakeLog(db: Database, f: IntakeLogFilter): IntakeLogRow[] {
  const first = f.quarantinedFirst ? 1 : 0;
  const rows = prepared(
    db,
    `SELECT m.id, m.queue_id AS queueId, m.received_at AS receivedAt, m.source, m.mail_from AS mailFrom, m.rcpt_to AS rcptTo,
       m.client_ip AS clientIp, m.size, m.state, m.attempts, m.last_error AS lastError, r.id AS reportId, r.kind, r.ticket_id AS ticketId
     FROM messages m LEFT JOIN reports r ON r.message_id = m.id
     WHERE (@state IS NULL OR m.state = @state) AND (@source IS NULL OR m.source = @source)
       AND (@afterId IS NULL OR (CASE WHEN @first = 1 THEN ${QUARANTINED} ELSE 0 END) < @afterQ
            OR ((CASE WHEN @first = 1 THEN ${QUARANTINED} ELSE 0 END) = @afterQ AND m.id < @afterId))
     ORDER BY (CASE WHEN @first = 1 THEN ${QUARANTINED} ELSE 0 END) DESC, m.id DESC LIMIT @limit`,
  ).all({
    state: f.state ?? null,
    source: f.source ?? null,
    first,
    afterId: f.after?.id ?? null,
    afterQ: first && f.after?.quarantined ? 1 : 0,
    limit: f.limit,
  }) as Array<Omit<IntakeLogRow, 'rcptTo'> & { rcptTo: string }>;
  return rows.map((r) => ({ ...r, rcptTo: JSON.parse(r.rcptTo) as string[] }));
}

/** The report and ticket a message became (nulls before it was processed). */
export function messageOutcome(
  db: Database,
  messageId: number,
): { reportId: number | null; kind: string | null; ticketId: string | null } {
  return (
    (prepared(db, 'SELECT id AS reportId, kind, ticket_id AS ticketId FROM reports WHERE message_id = ?').get(
      messageId,
    ) as { reportId: number; kind: string; ticketId: string | null } | undefined) ?? {
      reportId: null,
      kind: null,
      ticketId: null,
    }
  );
}
