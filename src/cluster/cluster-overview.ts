import type { ClusterNode } from '../store/cluster-nodes-store.ts';
import type { JobLease } from '../store/job-leases-store.ts';

/** What the database says about the nodes sharing it, read in one go (readClusterFacts). */
export interface ClusterFacts {
  /** Every node that ever reported itself (cluster_nodes). */
  nodes: ClusterNode[];
  /** Every singleton job's lease row, held or run out. */
  leases: JobLease[];
  /** Messages claimed now, by the node holding the claim. */
  claims: Map<string, number>;
}

/**
 * up: it reported itself within the last lease period (a node reports every third of one);
 * stopped: it stopped cleanly (it gave its leases and claims up) and has not started since;
 * down: it stopped reporting without stopping (a crash, a lost network): its leases have run out, or are about to,
 * and its claims will be taken over.
 */
export type NodeStatus = 'up' | 'stopped' | 'down';

const RANK: Record<NodeStatus, number> = { up: 0, down: 1, stopped: 2 };

/** Whether a lease holds at `at` (ISO time): its job runs on its holder; else it waits for a node to take it. */
export const leaseHolds = (l: JobLease, at: string): boolean => l.expiresAt > at;

export interface NodeOverview {
  id: string;
  status: NodeStatus;
  /** When it started, and last reported itself (null: it holds claims or a lease but never reported itself). */
  startedAt: string | null;
  seenAt: string | null;
  /** When it stopped cleanly (null unless stopped). */
  stoppedAt: string | null;
  /** Its SMTP and HTTP listeners, host:port, as it reported them. */
  smtp: string | null;
  http: string | null;
  /** The singleton jobs it runs now: leases it holds that have not run out. */
  jobs: string[];
  /** Messages it has claimed for processing now. */
  claims: number;
}

export interface JobOverview {
  name: string;
  /** The node that holds, or last held, its lease. */
  holder: string;
  /** running: the lease holds; waiting: it ran out and no node has taken it yet (none is up to take it). */
  status: 'running' | 'waiting';
  since: string;
  expiresAt: string;
}

export interface ClusterOverview {
  /** When a node stops counting as up: a lease period without a report (cluster.leaseMs). */
  leaseMs: number;
  nodes: NodeOverview[];
  jobs: JobOverview[];
}

/**
 * The nodes sharing one database as staff see them: each node, whether it is up, the singleton jobs it runs and
 * the messages it holds; each singleton job and where it runs. A node counts as down once a whole lease period
 * passed without its report (by then every lease it held has run out), unless it stopped cleanly. Nodes that are
 * up come first, then those that are down (they need a look), then those stopped.
 */
export function clusterOverview(facts: ClusterFacts, now: Date, leaseMs: number): ClusterOverview {
  const at = now.toISOString();
  const running = facts.leases.filter((l) => leaseHolds(l, at));
  const ids = new Set([
    ...facts.nodes.map((n) => n.id),
    ...facts.claims.keys(),
    ...running.map((l) => l.holder),
  ]);
  const reported = new Map(facts.nodes.map((n) => [n.id, n]));
  const upSince = new Date(now.getTime() - leaseMs).toISOString();
  const nodes = [...ids].map((id): NodeOverview => {
    const n = reported.get(id);
    return {
      id,
      status: n?.stoppedAt ? 'stopped' : n && n.seenAt > upSince ? 'up' : 'down',
      startedAt: n?.startedAt ?? null,
      seenAt: n?.seenAt ?? null,
      stoppedAt: n?.stoppedAt ?? null,
      smtp: n?.smtp ?? null,
      http: n?.http ?? null,
      jobs: running.filter((l) => l.holder === id).map((l) => l.name),
      claims: facts.claims.get(id) ?? 0,
    };
  });
  nodes.sort((a, b) => RANK[a.status] - RANK[b.status] || a.id.localeCompare(b.id));
  const jobs = facts.leases.map((l): JobOverview => ({
    name: l.name,
    holder: l.holder,
    status: leaseHolds(l, at) ? 'running' : 'waiting',
    since: l.takenAt,
    expiresAt: l.expiresAt,
  }));
  return { leaseMs, nodes, jobs };
}
