import type { Database } from 'better-sqlite3';
import type { ClusterFacts } from '../cluster/cluster-overview.ts';
import { prepared } from '../db/prepared.ts';
import { listLeases } from './job-leases-store.ts';
import { claimsByNode } from './messages-store.ts';

/** A node sharing the database, as it last reported itself (its SMTP and HTTP addresses, host:port). */
export interface ClusterNode {
  id: string;
  startedAt: string;
  seenAt: string;
  smtp: string | null;
  http: string | null;
  /** When it last stopped cleanly; null while it runs (a report clears it) or when it died without stopping. */
  stoppedAt?: string | null;
}

/** Records that node `id` is alive now (one upsert per lease round). */
export function reportNode(db: Database, node: Omit<ClusterNode, 'stoppedAt'>): void {
  prepared(
    db,
    `INSERT INTO cluster_nodes (id, started_at, seen_at, smtp, http) VALUES (@id, @startedAt, @seenAt, @smtp, @http)
     ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, seen_at = excluded.seen_at,
       smtp = excluded.smtp, http = excluded.http, stopped_at = NULL`,
  ).run({ id: node.id, startedAt: node.startedAt, seenAt: node.seenAt, smtp: node.smtp, http: node.http });
}

/** Records that node `id` stopped cleanly at `at` (it gave its leases and claims up). */
export function markNodeStopped(db: Database, id: string, at: Date): void {
  prepared(db, 'UPDATE cluster_nodes SET stopped_at = ? WHERE id = ?').run(at.toISOString(), id);
}

/** Every node that ever reported, the most recently seen first. */
export function listNodes(db: Database): ClusterNode[] {
  return prepared(
    db,
    `SELECT id, started_at AS startedAt, seen_at AS seenAt, smtp, http, stopped_at AS stoppedAt FROM cluster_nodes
       ORDER BY seen_at DESC, id`,
  ).all() as ClusterNode[];
}

/** Drops a node from the list (one taken out of service); whether it was listed. */
export function forgetNode(db: Database, id: string): boolean {
  return prepared(db, 'DELETE FROM cluster_nodes WHERE id = ?').run(id).changes > 0;
}

/**
 * Drops every node but `id` from the list. Only for the SQLite engine at start: the data dir lock proves no other
 * process uses the file, so the other rows are earlier runs of this installation.
 */
export function forgetOtherNodes(db: Database, id: string): number {
  return prepared(db, 'DELETE FROM cluster_nodes WHERE id <> ?').run(id).changes;
}

/** The nodes, the singleton jobs' leases and the claims by node, as the cluster views show them. */
export function readClusterFacts(db: Database): ClusterFacts {
  return db.transaction(() => ({ nodes: listNodes(db), leases: listLeases(db), claims: claimsByNode(db) }))();
}
