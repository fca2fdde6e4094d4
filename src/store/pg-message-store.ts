import { userInfo } from 'node:os';
import pg from 'pg';
import { newQueueId } from './queue-id.ts';
import type { StoreResult } from './messages-store.ts';
import { splitSchema } from '../db/postgres/pg-connection.ts';
import {
  ENVELOPE_COLUMNS,
  envelopeRow,
  GroupCommitStore,
  type PendingMessage,
} from './group-commit-store.ts';

/**
 * Intake's durable store on PostgreSQL (the writer thread's, asynchronous: node-postgres). Group commit as on
 * SQLite: the messages that arrive while a commit runs go into the next transaction together, written with one
 * multi-row INSERT each for the envelopes and the bytes, so concurrent sessions share one WAL flush. A message's
 * promise resolves only after COMMIT returned (synchronous_commit on: the WAL is on disk). A database that is
 * down or refuses the write rejects the batch: intake answers 451 4.3.0 and the client retries.
 */
export class PgMessageStore extends GroupCommitStore {
  private readonly pool: pg.Pool;

  constructor(url: string, windowMs = 0) {
    super(windowMs);
    const { conninfo, schema } = splitSchema(url);
    // libpq's default when the URL names no user (PGUSER, then the operating system's user name), as the
    // pipeline's libpq connection has it. node-postgres falls back to $USER, often unset in a service, and a
    // socket-directory URL (postgres:///db?host=/var/run/postgresql) has no authority to write a user into.
    if (!pg.defaults.user)
      try {
        pg.defaults.user = userInfo().username;
      } catch {
        // A user id with no passwd entry: the URL or PGUSER must name the user (libpq fails alike).
      }
    this.pool = new pg.Pool({
      connectionString: conninfo,
      max: 1,
      // A server that does not answer fails the store (451) instead of holding SMTP sessions.
      connectionTimeoutMillis: 5000,
      // 250 only after the WAL is flushed, whatever the server's default for synchronous_commit.
      options: `-c synchronous_commit=on${schema ? ` -c search_path="${schema}"` : ''}`,
    });
    // A dropped idle connection is replaced on next use; the error must not end the thread.
    this.pool.on('error', () => undefined);
  }

  protected async writeBatch(batch: PendingMessage[]): Promise<StoreResult[]> {
    // The same bytes twice in one batch are stored once: later copies are duplicates of the first.
    const first = new Map<string, number>();
    const rows: unknown[][] = [];
    const queueIds: string[] = [];
    batch.forEach(({ message: m, sha256 }, i) => {
      const queueId = newQueueId(m.receivedAt);
      queueIds.push(queueId);
      if (first.has(sha256)) return;
      first.set(sha256, i);
      const row = envelopeRow(m, sha256, queueId);
      rows.push(ENVELOPE_COLUMNS.map((c) => row[c]));
    });
    // One statement, so one round trip, in its own transaction (autocommit): the envelopes are inserted, the
    // bytes of those that are new go to message_raw, and the messages already stored with the same bytes (a
    // client's retry, another node's copy) are read from the statement's snapshot, which is taken before the
    // inserts and so holds exactly the earlier ones. The reply comes once the commit is flushed.
    const values: unknown[] = [];
    const param = (v: unknown): string => `$${values.push(v)}`;
    const tuples = rows.map((r) => `(${r.map(param).join(', ')})`);
    const bytes = [...first].map(
      ([sha, i]) => `(${param(sha)}::text, ${param(batch[i]!.message.raw)}::bytea)`,
    );
    const shas = param([...first.keys()]);
    const sql = `WITH inserted AS (
        INSERT INTO messages (${ENVELOPE_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
        ON CONFLICT (sha256) DO NOTHING RETURNING id, sha256
      ), raw AS (
        INSERT INTO message_raw (message_id, raw)
        SELECT inserted.id, b.raw FROM inserted JOIN (VALUES ${bytes.join(', ')}) AS b (sha256, raw) USING (sha256)
      )
      SELECT id, sha256, NULL AS queue_id FROM inserted
      UNION ALL
      SELECT id, sha256, queue_id FROM messages WHERE sha256 = ANY(${shas}::text[])`;
    const client = await this.pool.connect();
    let failed: Error | undefined;
    try {
      const result = await client.query<{ id: string; sha256: string; queue_id: string | null }>(sql, values);
      const newIds = new Map<string, number>();
      const prior = new Map<string, { id: number; queueId: string }>();
      for (const r of result.rows)
        if (r.queue_id === null) newIds.set(r.sha256, Number(r.id));
        else prior.set(r.sha256, { id: Number(r.id), queueId: r.queue_id });
      // Bytes another session committed while this statement waited on their conflict: neither inserted here
      // nor in the snapshot. Read once more, now that they are committed.
      const missing = [...first.keys()].filter((sha) => !newIds.has(sha) && !prior.has(sha));
      if (missing.length) {
        const late = await client.query<{ id: string; queue_id: string; sha256: string }>(
          'SELECT id, queue_id, sha256 FROM messages WHERE sha256 = ANY($1)',
          [missing],
        );
        for (const r of late.rows) prior.set(r.sha256, { id: Number(r.id), queueId: r.queue_id });
      }
      return batch.map(({ sha256 }, i) => {
        const id = newIds.get(sha256);
        if (id !== undefined && first.get(sha256) === i)
          return { id, queueId: queueIds[i]!, duplicate: false };
        if (id !== undefined) return { id, queueId: queueIds[first.get(sha256)!]!, duplicate: true };
        const p = prior.get(sha256);
        if (!p) throw new Error(`message ${sha256} was neither stored nor found`);
        return { ...p, duplicate: true };
      });
    } catch (e) {
      failed = e as Error;
      throw e;
    } finally {
      // A connection that failed is discarded, not reused: the next batch opens a fresh one.
      client.release(failed);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
