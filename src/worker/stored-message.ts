import type { Database } from 'better-sqlite3';
import type { StageRecord } from './stage.ts';

export type MessageState = 'queued' | 'done' | 'quarantined';

/** A row of the intake log as the CLI, API and worker see it. */
export interface StoredMessage {
  id: number;
  queueId: string;
  receivedAt: string;
  source: string;
  mailFrom: string;
  rcptTo: string[];
  clientIp: string | null;
  clientHostname: string | null;
  helo: string | null;
  tls: { protocol: string; cipher: string } | null;
  size: number;
  messageId: string | null;
  state: MessageState;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  processedAt: string | null;
  headers: Record<string, unknown> | null;
  stages: StageRecord[];
}

export interface MessageRow {
  id: number;
  queue_id: string;
  received_at: string;
  source: string;
  mail_from: string;
  rcpt_to: string;
  client_ip: string | null;
  client_hostname: string | null;
  helo: string | null;
  tls: string | null;
  size: number;
  message_id: string | null;
  state: MessageState;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  processed_at: string | null;
  headers: string | null;
  stages: string | null;
}

const json = <T>(s: string | null, fallback: T): T => (s ? (JSON.parse(s) as T) : fallback);

export function toStoredMessage(r: MessageRow): StoredMessage {
  return {
    id: r.id,
    queueId: r.queue_id,
    receivedAt: r.received_at,
    source: r.source,
    mailFrom: r.mail_from,
    rcptTo: json<string[]>(r.rcpt_to, []),
    clientIp: r.client_ip,
    clientHostname: r.client_hostname,
    helo: r.helo,
    tls: json(r.tls, null),
    size: r.size,
    messageId: r.message_id,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    processedAt: r.processed_at,
    headers: json(r.headers, null),
    stages: json<StageRecord[]>(r.stages, []),
  };
}

const columns = `id, queue_id, received_at, source, mail_from, rcpt_to, client_ip, client_hostname, helo, tls, size,
  message_id, state, attempts, next_attempt_at, last_error, processed_at, headers, stages`;

export interface ListMessagesOptions {
  state?: MessageState | undefined;
  limit?: number;
  /** Only messages with id below this (cursor pagination, newest first). */
  before?: number | undefined;
}

export function listMessages(db: Database, options: ListMessagesOptions = {}): StoredMessage[] {
  const rows = db
    .prepare(
      `SELECT ${columns} FROM messages WHERE (@state IS NULL OR state = @state) AND (@before IS NULL OR id < @before)
       ORDER BY id DESC LIMIT @limit`,
    )
    .all({ state: options.state ?? null, before: options.before ?? null, limit: options.limit ?? 50 }) as MessageRow[];
  return rows.map(toStoredMessage);
}

/** Finds a message by queue id (or numeric id). */
export function getMessage(db: Database, ref: string): StoredMessage | null {
  const row = db.prepare(`SELECT ${columns} FROM messages WHERE queue_id = ? OR (id = ? AND ? GLOB '[0-9]*')`).get(ref.toUpperCase(), Number(ref) || -1, ref) as MessageRow | undefined;
  return row ? toStoredMessage(row) : null;
}

export function getRaw(db: Database, id: number): Buffer | null {
  const row = db.prepare('SELECT raw FROM message_raw WHERE message_id = ?').get(id) as { raw: Buffer } | undefined;
  return row ? row.raw : null;
}

export function countByState(db: Database): Record<MessageState, number> {
  const counts: Record<MessageState, number> = { queued: 0, done: 0, quarantined: 0 };
  for (const r of db.prepare('SELECT state, count(*) AS n FROM messages GROUP BY state').all() as Array<{ state: MessageState; n: number }>) {
    counts[r.state] = r.n;
  }
  return counts;
}
