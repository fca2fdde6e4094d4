import type { Database, Statement } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { StageRecord } from '../worker/stage.ts';
import { newQueueId } from './queue-id.ts';
import type { MessageSource, MessageState } from './vocabulary.ts';
import { sourceKey } from './source-key.ts';
import {
  ENVELOPE_COLUMNS,
  envelopeRow,
  GroupCommitStore,
  sha256Of,
  type PendingMessage,
} from './group-commit-store.ts';
import { isPostgres } from '../db/postgres/pg-database.ts';

export type { MessageState } from './vocabulary.ts';
export { sourceKey };

/** One message as intake received it: the raw bytes and every envelope fact. */
export interface IncomingMessage {
  raw: Buffer;
  mailFrom: string;
  rcptTo: string[];
  clientIp: string | null;
  clientHostname: string | null;
  helo: string | null;
  tls: { protocol: string; cipher: string } | null;
  receivedAt: Date;
  source: MessageSource;
  /** How intake verified the sender itself (an ESP event webhook's signature); absent for mail. */
  verifiedBy?: string | null;
}

/**
 * The envelope fields of a message that did not come over SMTP (a file, an ESP event webhook): no MAIL FROM,
 * no RCPT TO, no client, no HELO, no TLS.
 */
export const noSmtpEnvelope = (): Pick<
  IncomingMessage,
  'mailFrom' | 'rcptTo' | 'clientIp' | 'clientHostname' | 'helo' | 'tls'
> => ({ mailFrom: '', rcptTo: [], clientIp: null, clientHostname: null, helo: null, tls: null });

export interface StoreResult {
  id: number;
  queueId: string;
  duplicate: boolean;
}

/** Durable storage for accepted messages: `store` resolves only once the message is on disk. */
export interface MessageStore {
  store(message: IncomingMessage): Promise<StoreResult>;
  /**
   * A message whose bytes are handed over while they arrive (a store that assembles them elsewhere, so the
   * SMTP thread never holds or copies a whole large message); without it, intake buffers and calls `store`.
   */
  open?(): MessageWriter;
}

/** One message being received: its bytes in order, then its envelope (`store`) or nothing (`abort`). */
export interface MessageWriter {
  write(chunk: Buffer): void;
  /** Stores the `size` bytes written with the envelope; rejects when the bytes did not all arrive. */
  store(message: Omit<IncomingMessage, 'raw'>, size: number): Promise<StoreResult>;
  /** Drops the bytes written (the message was refused). */
  abort(): void;
}

/**
 * Intake's durable store on SQLite: group commit (GroupCommitStore), each batch one transaction, so concurrent
 * sessions share one fsync (WAL, synchronous=FULL).
 */
export class SqliteMessageStore extends GroupCommitStore {
  private readonly insert: Statement;
  private readonly insertRaw: Statement;
  private readonly existing: Statement;

  constructor(
    private readonly db: Database,
    windowMs = 0,
  ) {
    super(windowMs);
    this.insert = db.prepare(`INSERT INTO messages (${ENVELOPE_COLUMNS.join(', ')})
      VALUES (${ENVELOPE_COLUMNS.map((c) => `@${c}`).join(', ')})
      ON CONFLICT (sha256) DO NOTHING RETURNING id`);
    this.insertRaw = db.prepare('INSERT INTO message_raw (message_id, raw) VALUES (?, ?)');
    this.existing = db.prepare('SELECT id, queue_id AS queueId FROM messages WHERE sha256 = ?');
  }

  /** Stores synchronously (CLI ingest, tests). */
  storeNow(message: IncomingMessage): StoreResult {
    const [result] = this.writeBatch([
      { message, sha256: sha256Of(message.raw), resolve: () => undefined, reject: () => undefined },
    ]);
    return result!;
  }

  protected writeBatch(batch: PendingMessage[]): StoreResult[] {
    return this.db.transaction(() =>
      batch.map(({ message: m, sha256 }) => {
        const queueId = newQueueId(m.receivedAt);
        const row = this.insert.get(envelopeRow(m, sha256, queueId)) as { id: number } | undefined;
        if (!row) {
          const prior = this.existing.get(sha256) as { id: number; queueId: string };
          return { ...prior, duplicate: true };
        }
        this.insertRaw.run(row.id, m.raw);
        return { id: row.id, queueId, duplicate: false };
      }),
    )();
  }
}

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
  /** How intake verified the sender itself (an ESP event webhook's signature), or null. */
  verifiedBy: string | null;
}

interface MessageRow {
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
  verified_by: string | null;
}

const json = <T>(s: string | null, fallback: T): T => (s ? (JSON.parse(s) as T) : fallback);

const toStoredMessage = (r: MessageRow): StoredMessage => ({
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
  verifiedBy: r.verified_by,
});

const messageColumns = `id, queue_id, received_at, source, mail_from, rcpt_to, client_ip, client_hostname, helo, tls, size,
  message_id, state, attempts, next_attempt_at, last_error, processed_at, headers, stages, verified_by`;

export interface ListMessagesOptions {
  state?: MessageState | undefined;
  limit?: number;
  /** Only messages with id below this (cursor pagination, newest first). */
  before?: number | undefined;
}

const listSql = `SELECT ${messageColumns} FROM messages WHERE (@state IS NULL OR state = @state) AND (@before IS NULL OR id < @before)
     ORDER BY id DESC LIMIT @limit`;

export function listMessages(db: Database, options: ListMessagesOptions = {}): StoredMessage[] {
  const rows = prepared(db, listSql).all({
    state: options.state ?? null,
    before: options.before ?? null,
    limit: options.limit ?? 50,
  }) as MessageRow[];
  return rows.map(toStoredMessage);
}

/**
 * The same list, newest first, read one row at a time from the database (memory stays flat for any count);
 * `limit` null means every row.
 */
export function* iterateMessages(
  db: Database,
  o: { state?: MessageState | undefined; before?: number | null; limit: number | null },
): Generator<StoredMessage> {
  const rows = prepared(db, listSql).iterate({
    state: o.state ?? null,
    before: o.before ?? null,
    limit: o.limit ?? -1,
  }) as IterableIterator<MessageRow>;
  for (const r of rows) yield toStoredMessage(r);
}

/** How many messages the list holds with this filter. */
export function countMessages(db: Database, o: { state?: MessageState | undefined } = {}): number {
  return prepared(db, 'SELECT count(*) FROM messages WHERE (@state IS NULL OR state = @state)')
    .pluck()
    .get({ state: o.state ?? null }) as number;
}

/** Finds a message by queue id (or numeric id). */
export function getMessage(db: Database, ref: string): StoredMessage | null {
  const row = prepared(
    db,
    `SELECT ${messageColumns} FROM messages WHERE queue_id = ? OR (id = ? AND ? GLOB '[0-9]*')`,
  ).get(ref.toUpperCase(), Number(ref) || -1, ref) as MessageRow | undefined;
  return row ? toStoredMessage(row) : null;
}

/** The raw bytes of a stored message, or null. */
export function getRaw(db: Database, id: number): Buffer | null {
  const row = prepared(db, 'SELECT raw FROM message_raw WHERE message_id = ?').get(id) as
    { raw: Buffer } | undefined;
  return row ? row.raw : null;
}

/**
 * Which of the messages `ids` have their raw bytes stored, with the bytes of those among `read` (one statement
 * for a batch: on PostgreSQL reading each message's bytes on its own is a round trip per message). A stored
 * message not in `read` maps to null: its bytes are read where they are used (a large one, by a parse thread).
 */
export function storedRaws(
  db: Database,
  ids: readonly number[],
  read: readonly number[],
): Map<number, Buffer | null> {
  if (ids.length === 0) return new Map();
  // Usually every message of a batch is small enough to read here: then the statement has no list to test each row
  // against (PostgreSQL unpacks a list parameter again for every row it tests).
  const every = read.length === ids.length && read.every((id, i) => id === ids[i]);
  const rows = (
    every
      ? prepared(
          db,
          'SELECT message_id, raw FROM message_raw WHERE message_id IN (SELECT value FROM json_each(@ids))',
        ).all({ ids: JSON.stringify(ids) })
      : prepared(
          db,
          `SELECT message_id, CASE WHEN message_id IN (SELECT value FROM json_each(@read)) THEN raw END AS raw
             FROM message_raw WHERE message_id IN (SELECT value FROM json_each(@ids))`,
        ).all({ ids: JSON.stringify(ids), read: JSON.stringify(read) })
  ) as Array<{ message_id: number; raw: Buffer | null }>;
  return new Map(rows.map((r) => [r.message_id, r.raw]));
}

/**
 * Messages per state: `queued` counted along messages_due (the queue is short), the others read from
 * message_state_counts, kept by triggers, so /healthz and /metrics cost the same with a million processed messages.
 */
export function messageCountsByState(db: Database): Record<MessageState, number> {
  const counts: Record<MessageState, number> = { queued: 0, done: 0, quarantined: 0 };
  for (const r of prepared(
    db,
    `SELECT state, n FROM message_state_counts WHERE state <> 'queued'
     UNION ALL SELECT 'queued', count(*) FROM messages WHERE state = 'queued'`,
  ).all() as Array<{
    state: MessageState;
    n: number;
  }>) {
    counts[r.state] = r.n;
  }
  return counts;
}

/** When the oldest message still waiting for the worker arrived, or null when none waits. */
export function oldestQueuedAt(db: Database): string | null {
  return (
    (prepared(db, `SELECT min(received_at) FROM messages WHERE state = 'queued'`).pluck().get() as
      string | null | undefined) ?? null
  );
}

/** Queued messages due at `now` (never tried, or their retry time has come), in arrival order. */
export function dueMessages(db: Database, now: Date, limit: number): StoredMessage[] {
  const rows = prepared(
    db,
    `SELECT ${messageColumns} FROM messages WHERE state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?`,
  ).all(now.toISOString(), limit) as MessageRow[];
  return rows.map(toStoredMessage);
}

/**
 * Gives every queued message written before intake stored source_key (older databases) its key, once per
 * connection: fair scheduling and the backlog group by that column.
 */
const keyed = new WeakSet<Database>();
function withSourceKeys(db: Database): Database {
  if (keyed.has(db)) return db;
  keyed.add(db);
  const rows = prepared(
    db,
    `SELECT id, client_ip AS clientIp, source FROM messages WHERE state = 'queued' AND source_key IS NULL`,
  ).all() as Array<{ id: number; clientIp: string | null; source: string }>;
  if (rows.length === 0) return db;
  const update = prepared(db, 'UPDATE messages SET source_key = ? WHERE id = ?');
  db.transaction(() => {
    for (const r of rows) update.run(sourceKey(r.clientIp, r.source), r.id);
  })();
  return db;
}

/** Which node processes a message, and until when its claim holds. */
export interface Claim {
  node: string;
  until: Date;
}

const dueWhere = `state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
  AND (claim_expires_at IS NULL OR claim_expires_at <= @now)`;
/**
 * The first `limit` due messages of every source, ranked by turn (each source's oldest first, then the second
 * oldest of each…). Sources are walked one index seek each (a loose scan of messages_queued_source) and each
 * source contributes at most `limit` messages, read in index order, so a claim costs the same with 100 or 100,000
 * messages waiting; ranking every due message instead made each batch's claim grow with the backlog. Rows
 * written without a source key (older databases, before withSourceKeys) form one more source. PostgreSQL reads
 * each source's first messages with a LATERAL subquery (its planner, misled by statistics taken while the
 * queue was empty, otherwise hash-joins the whole queue); SQLite, without LATERAL, bounds each source by its
 * limit-th due id, computed once per source (MATERIALIZED) and joined from the sources (CROSS JOIN keeps SQLite
 * from driving the join from the queue).
 */
const fairDue = (pg: boolean): string => `keys (k) AS (
    SELECT (SELECT source_key FROM messages WHERE state = 'queued' AND source_key IS NOT NULL ORDER BY source_key LIMIT 1)
    UNION ALL
    SELECT (SELECT source_key FROM messages WHERE state = 'queued' AND source_key > keys.k ORDER BY source_key LIMIT 1)
      FROM keys WHERE keys.k IS NOT NULL
  ), ${
    pg
      ? `picks AS (
    SELECT p.id, p.source_key FROM keys CROSS JOIN LATERAL (
      SELECT id, source_key FROM messages WHERE source_key = keys.k AND ${dueWhere} ORDER BY source_key, id LIMIT @limit
    ) AS p WHERE keys.k IS NOT NULL`
      : `bounds AS MATERIALIZED (
    SELECT k, coalesce((SELECT id FROM messages WHERE source_key = keys.k AND ${dueWhere}
      ORDER BY source_key, id LIMIT 1 OFFSET @skip), 9223372036854775807) AS upto FROM keys WHERE k IS NOT NULL
  ), picks AS (
    SELECT m.id, m.source_key FROM bounds CROSS JOIN messages m
      WHERE m.source_key = bounds.k AND m.id <= bounds.upto AND ${dueWhere}`
  }
    UNION ALL
    SELECT id, source_key FROM (
      SELECT id, source_key FROM messages WHERE source_key IS NULL AND ${dueWhere} ORDER BY id LIMIT @limit
    ) AS unkeyed
  ), fair AS (
    SELECT id FROM (
      SELECT id, row_number() OVER (PARTITION BY source_key ORDER BY id) AS turn FROM picks
    ) AS ranked ORDER BY turn, id LIMIT @limit
  )`;
/**
 * Claims the due messages. On PostgreSQL the rows are locked with SKIP LOCKED and the due conditions checked
 * again on the locked row, so two nodes claiming at once never take the same message; SQLite has one writer.
 * The locking starts from the few ids picked (a join), never from the queue: during a burst the planner's
 * statistics can say the queue is empty, and a semi-join driven by the queue compared every queued message with
 * every pick.
 */
const claimSql = (pg: boolean): string =>
  `WITH RECURSIVE ${fairDue(pg)}, taken AS (
    SELECT m.id FROM fair CROSS JOIN messages m WHERE m.id = fair.id AND ${dueWhere}${pg ? ' FOR UPDATE OF m SKIP LOCKED' : ''}
  )
  UPDATE messages SET claimed_by = @node, claim_expires_at = @until WHERE id IN (SELECT id FROM taken)
    RETURNING ${messageColumns}`;

/**
 * Claims up to `limit` due messages for one node, taken round-robin across sources (sourceKey): the oldest of
 * every source first, then the second oldest of each, and so on, each round in arrival order. A flood from one
 * source delays another source's message by at most one batch. A message whose claim expired (its node died)
 * is due again.
 */
export function claimDueMessages(db: Database, now: Date, limit: number, claim: Claim): StoredMessage[] {
  const rows = prepared(withSourceKeys(db), claimSql(isPostgres(db))).all({
    now: now.toISOString(),
    limit,
    skip: limit - 1,
    node: claim.node,
    until: claim.until.toISOString(),
  }) as MessageRow[];
  rows.sort((a, b) => a.id - b.id);
  const turns = new Map<string, number>();
  const turn = new Map<number, number>();
  for (const r of rows) {
    const key = sourceKey(r.client_ip, r.source);
    const t = (turns.get(key) ?? 0) + 1;
    turns.set(key, t);
    turn.set(r.id, t);
  }
  rows.sort((a, b) => turn.get(a.id)! - turn.get(b.id)! || a.id - b.id);
  return rows.map(toStoredMessage);
}

/** Whether any message is due (a read: the claim, a write, is only attempted when there is work). */
export function anyDue(db: Database, now: Date): boolean {
  return (
    prepared(db, `SELECT 1 FROM messages WHERE ${dueWhere} LIMIT 1`).get({ now: now.toISOString() }) !==
    undefined
  );
}

/**
 * Inside the transaction that commits a batch's outcomes: which of `ids` this node still holds the claim on (or
 * nobody claimed: a CLI run). On PostgreSQL the rows stay locked until that commit, so no other node can take a
 * message over between this check and the commit. One statement for the batch: on PostgreSQL each statement
 * inside the commit is a round trip made while other nodes wait for theirs.
 */
export function heldClaims(db: Database, ids: readonly number[], node: string): Set<number> {
  if (ids.length === 0) return new Set();
  const sql = `SELECT id, claimed_by FROM messages WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id${isPostgres(db) ? ' FOR UPDATE' : ''}`;
  const rows = prepared(db, sql).all(JSON.stringify(ids)) as Array<{ id: number; claimed_by: string | null }>;
  return new Set(rows.filter((r) => r.claimed_by === null || r.claimed_by === node).map((r) => r.id));
}

/**
 * Inside the transaction that commits a batch's outcomes, on PostgreSQL: waits until no other node is committing
 * a batch of this database (schema). Each batch touches shared rows — a ticket, the acknowledgement counters, a
 * client's signals — in the order its messages arrived, so two nodes committing at once could lock them in
 * opposite orders and deadlock; committing one batch at a time cannot. The thinking before (parsing,
 * authentication, attribution lookups) still runs on every node at once. SQLite has a single writer anyway.
 */
export function serializeCommits(db: Database): void {
  if (isPostgres(db))
    prepared(db, `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.pipeline-commit'))`).get();
}

/** Lets go of every claim this node holds (it stops, or restarts under the same node id). */
export function releaseClaims(db: Database, node: string): number {
  return prepared(
    db,
    `UPDATE messages SET claimed_by = NULL, claim_expires_at = NULL WHERE claimed_by = ?`,
  ).run(node).changes;
}

/** The messages each node holds claims on now (operations: /healthz). */
export function claimsByNode(db: Database): Map<string, number> {
  const rows = prepared(
    db,
    `SELECT claimed_by AS node, count(*) AS n FROM messages WHERE claimed_by IS NOT NULL GROUP BY claimed_by`,
  ).all() as Array<{ node: string; n: number }>;
  return new Map(rows.map((r) => [r.node, r.n]));
}

/** How many messages wait for the worker (queued, due or not), per source (sourceKey). */
export function queuedCountsBySource(db: Database): Map<string, number> {
  const rows = prepared(
    withSourceKeys(db),
    `SELECT source_key AS key, count(*) AS n FROM messages WHERE state = 'queued' GROUP BY source_key`,
  ).all() as Array<{ key: string; n: number }>;
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** The messages among `ids` still waiting for the worker, in arrival order. */
export function queuedMessages(db: Database, ids: readonly number[]): StoredMessage[] {
  const rows = prepared(
    db,
    `SELECT ${messageColumns} FROM messages WHERE state = 'queued' AND id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  ).all(JSON.stringify(ids)) as MessageRow[];
  return rows.map(toStoredMessage);
}

/** A processed message's record: its id, when, the headers it was read with and its stage trail. */
export interface DoneMessage {
  id: number;
  at: Date;
  headers: unknown;
  stages: readonly StageRecord[];
}

/** Marking a message done, its record's values named with `from` (`@` a parameter, `d.` a column of the batch). */
const markDoneSql = (from: string): string =>
  `UPDATE messages SET state = 'done', attempts = attempts + 1, processed_at = ${from}at, headers = ${from}headers,
    stages = ${from}stages, last_error = NULL, next_attempt_at = NULL, claimed_by = NULL, claim_expires_at = NULL`;

/** A done message's values as they are stored (text). */
const doneValues = (m: DoneMessage): Record<keyof DoneMessage, string | number> => ({
  id: m.id,
  at: m.at.toISOString(),
  headers: JSON.stringify(m.headers ?? null),
  stages: JSON.stringify(m.stages),
});

/**
 * Records a batch's processed messages as done. On PostgreSQL in one statement for the batch: each statement has
 * a fixed cost on the server (executor start, its state tally's trigger), and a batch of 60 paid it 60 times. On
 * SQLite, where a statement costs next to nothing beyond its rows, one at a time.
 */
export function markMessagesDone(db: Database, done: readonly DoneMessage[]): void {
  if (done.length === 0) return;
  if (!isPostgres(db)) {
    for (const m of done) markMessageDone(db, m.id, m);
    return;
  }
  prepared(
    db,
    `${markDoneSql('d.')}
      FROM jsonb_to_recordset(CAST(? AS jsonb)) AS d (id bigint, at text, headers text, stages text)
      WHERE messages.id = d.id`,
  ).run(JSON.stringify(done.map(doneValues)));
}

/** Records a processed message: done, with the headers it was read with and its stage trail. */
export function markMessageDone(db: Database, id: number, m: Omit<DoneMessage, 'id'>): void {
  prepared(db, `${markDoneSql('@')} WHERE id = @id`).run(doneValues({ ...m, id }));
}

/** Records a failed attempt: queued again from `next`, or quarantined (`next` null) with its error. */
export function markMessageFailed(
  db: Database,
  id: number,
  m: {
    state: Exclude<MessageState, 'done'>;
    attempts: number;
    next: Date | null;
    error: string;
    stages: readonly StageRecord[];
  },
): void {
  prepared(
    db,
    `UPDATE messages SET state = @state, attempts = @attempts, next_attempt_at = @next, last_error = @error,
      stages = @stages, claimed_by = NULL, claim_expires_at = NULL WHERE id = @id`,
  ).run({
    id,
    state: m.state,
    attempts: m.attempts,
    next: m.next?.toISOString() ?? null,
    error: m.error,
    stages: JSON.stringify(m.stages),
  });
}

/** Staff retry of a quarantined (or stuck) message: due now, attempts reset. Returns false if unknown. */
export function requeueMessage(db: Database, id: number): boolean {
  return (
    prepared(
      db,
      `UPDATE messages SET state = 'queued', attempts = 0, next_attempt_at = NULL, last_error = NULL,
        claimed_by = NULL, claim_expires_at = NULL WHERE id = ?`,
    ).run(id).changes > 0
  );
}

/** `abusedesk ingest --acknowledge` handing messages to a running serve: their reporters are to be acknowledged. */
export function markIngestAcknowledge(db: Database, ids: readonly number[]): void {
  const stmt = prepared(
    db,
    `INSERT INTO meta (key, value) VALUES ('ingest.acknowledge:' || ?, 'true') ON CONFLICT (key) DO NOTHING`,
  );
  db.transaction(() => {
    for (const id of ids) stmt.run(id);
  })();
}

/** Whether an ingested message was stored by `ingest --acknowledge` (see markIngestAcknowledge). */
export function ingestAcknowledgeWanted(db: Database, id: number): boolean {
  return prepared(db, `SELECT 1 FROM meta WHERE key = 'ingest.acknowledge:' || ?`).get(id) !== undefined;
}

/** How many of `ids` are still queued for the worker (an ingest waiting for a running serve). */
export function countQueued(db: Database, ids: readonly number[]): number {
  return prepared(
    db,
    `SELECT count(*) FROM messages WHERE state = 'queued' AND id IN (SELECT value FROM json_each(?))`,
  )
    .pluck()
    .get(JSON.stringify(ids)) as number;
}

/** How many of `ids` ended quarantined. */
export function countQuarantined(db: Database, ids: readonly number[]): number {
  return prepared(
    db,
    `SELECT count(*) FROM messages WHERE state = 'quarantined' AND id IN (SELECT value FROM json_each(?))`,
  )
    .pluck()
    .get(JSON.stringify(ids)) as number;
}
