import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/** A singleton job's lease: the node running the job, until when, and since when it has held it. */
export interface JobLease {
  name: string;
  holder: string;
  expiresAt: string;
  takenAt: string;
}

/**
 * Takes or renews the lease on job `name` for `node` until `until`, in one atomic upsert: the row is written
 * when there is none, when `node` holds it already (a renewal keeps its taken_at), or when its lease ran out
 * by `now`. Two nodes racing for an expired lease both reach the conflicting row; PostgreSQL re-checks the
 * WHERE on the row the winner committed, SQLite has one writer: exactly one of them gets a row back.
 * Returns whether `node` holds the lease after the call.
 */
export function takeOrRenewLease(
  db: Database,
  lease: { name: string; node: string; now: Date; until: Date },
): boolean {
  const row = prepared(
    db,
    `INSERT INTO job_leases (name, holder, expires_at, taken_at) VALUES (@name, @node, @until, @now)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
       taken_at = CASE WHEN job_leases.holder = excluded.holder THEN job_leases.taken_at ELSE excluded.taken_at END
     WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= excluded.taken_at
     RETURNING holder`,
  ).get({
    name: lease.name,
    node: lease.node,
    now: lease.now.toISOString(),
    until: lease.until.toISOString(),
  }) as { holder: string } | undefined;
  return row?.holder === lease.node;
}

/** Gives a lease up (a clean shutdown): another node takes the job at its next renewal instead of after expiry. */
export function releaseLease(db: Database, name: string, node: string): boolean {
  return prepared(db, 'DELETE FROM job_leases WHERE name = ? AND holder = ?').run(name, node).changes > 0;
}

/**
 * Drops every lease, whoever holds it. Only for the SQLite engine at start: the data dir lock proves no other
 * process uses the file, so a lease left by a previous run (under another node id) belongs to nobody.
 */
export function clearLeases(db: Database): number {
  return prepared(db, 'DELETE FROM job_leases').run().changes;
}

/** Every lease, held or expired, by job name. */
export function listLeases(db: Database): JobLease[] {
  return prepared(
    db,
    `SELECT name, holder, expires_at AS expiresAt, taken_at AS takenAt FROM job_leases ORDER BY name`,
  ).all() as JobLease[];
}
