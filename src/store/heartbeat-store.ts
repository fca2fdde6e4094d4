import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/**
 * The health probe's write: the time of the last successful probe in `meta`. A database that rejects
 * writes (read-only, disk full, locked) fails here first.
 */
export function writeHeartbeat(db: Database, at: Date): void {
  prepared(
    db,
    `INSERT INTO meta (key, value) VALUES ('health.heartbeat', ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(at.toISOString());
}
