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
    const u = new URL(conninfo);
    // libpq's default when the URL names no user: the operating system's user name.
    if (!u.username) u.username = process.env.PGUSER || userInfo().username;
    this.pool = new pg.Pool({
      connectionString: u.toString(),
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
    const client = await this.pool.connect();
    let failed: Error | undefined;
    try {
      await client.query('BEGIN');
      const values: unknown[] = [];
      const tuples = rows.map((r) => `(${r.map((v) => `$${values.push(v)}`).join(', ')})`);
      const inserted = await client.query<{ id: string; sha256: string }>(
        `INSERT INTO messages (${ENVELOPE_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (sha256) DO NOTHING RETURNING id, sha256`,
        values,
      );
      const newIds = new Map(inserted.rows.map((r) => [r.sha256, Number(r.id)]));
      if (newIds.size) {
        const raw: unknown[] = [];
        const rawTuples: string[] = [];
        for (const [sha, id] of newIds) {
          const m = batch[first.get(sha)!]!.message;
          rawTuples.push(`($${raw.push(id)}, $${raw.push(m.raw)})`);
        }
        await client.query(`INSERT INTO message_raw (message_id, raw) VALUES ${rawTuples.join(', ')}`, raw);
      }
      // Bytes stored before (a client's retry, or another node's copy): their first queue id and id.
      const known = [...first.keys()].filter((sha) => !newIds.has(sha));
      const prior = known.length
        ? await client.query<{ id: string; queue_id: string; sha256: string }>(
            'SELECT id, queue_id, sha256 FROM messages WHERE sha256 = ANY($1)',
            [known],
          )
        : { rows: [] };
      await client.query('COMMIT');
      const byPrior = new Map(prior.rows.map((r) => [r.sha256, { id: Number(r.id), queueId: r.queue_id }]));
      return batch.map(({ sha256 }, i) => {
        const id = newIds.get(sha256);
        if (id !== undefined && first.get(sha256) === i)
          return { id, queueId: queueIds[i]!, duplicate: false };
        if (id !== undefined) return { id, queueId: queueIds[first.get(sha256)!]!, duplicate: true };
        const p = byPrior.get(sha256)!;
        return { ...p, duplicate: true };
      });
    } catch (e) {
      failed = e as Error;
      await client.query('ROLLBACK').catch(() => undefined);
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
