import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/** A node sharing the database, as it last reported itself (its SMTP and HTTP addresses, host:port). */
export interface ClusterNode {
  id: string;
  startedAt: string;
  seenAt: string;
  smtp: string | null;
  http: string | null;
}

/** Records that node `id` is alive now (one upsert per lease round). */
export function reportNode(db: Database, node: ClusterNode): void {
  prepared(
    db,
    `INSERT INTO cluster_nodes (id, started_at, seen_at, smtp, http) VALUES (@id, @startedAt, @seenAt, @smtp, @http)
     ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, seen_at = excluded.seen_at,
       smtp = excluded.smtp, http = excluded.http`,
  ).run(node);
}

/** Every node that ever reported, the most recently seen first. */
export function listNodes(db: Database): ClusterNode[] {
  return prepared(
    db,
    `SELECT id, started_at AS startedAt, seen_at AS seenAt, smtp, http FROM cluster_nodes ORDER BY seen_at DESC, id`,
  ).all() as ClusterNode[];
}
