import type { Database } from 'better-sqlite3';
import { writeAudit } from '../store/audit-store.ts';
import { forgetNode, readClusterFacts } from '../store/cluster-nodes-store.ts';
import { releaseClaims } from '../store/messages-store.ts';
import { clusterOverview, type NodeOverview } from './cluster-overview.ts';

export type ForgetNodeOutcome =
  /** `released`: the messages it still had claimed, now free for any node to take at once. */
  | { outcome: 'forgotten'; node: NodeOverview; released: number }
  | { outcome: 'unknown' }
  /** Still reporting itself: forgetting it would only last until its next report. */
  | { outcome: 'up'; node: NodeOverview };

/**
 * Takes a node that is down or stopped out of the list (a machine retired, a node id changed), with an audit entry, and lets
 * go of the messages it still had claimed: other nodes take them at once instead of after cluster.claimTimeoutMs.
 * That is safe even if the node is only cut off, not dead: a batch commits only the messages its node still holds
 * (checked under lock in its commit), so a message is never acted on twice. A node that is up is refused: it would
 * list itself again within a third of a lease period.
 */
export function forgetNodeByStaff(
  db: Database,
  f: { id: string; actor: string; now: Date; leaseMs: number },
): ForgetNodeOutcome {
  return db.transaction((): ForgetNodeOutcome => {
    const node = clusterOverview(readClusterFacts(db), f.now, f.leaseMs).nodes.find((n) => n.id === f.id);
    if (!node || node.seenAt === null) return { outcome: 'unknown' };
    if (node.status === 'up') return { outcome: 'up', node };
    forgetNode(db, f.id);
    const released = releaseClaims(db, f.id);
    writeAudit(db, {
      actor: f.actor,
      action: 'node.forget',
      target: f.id,
      detail: { seenAt: node.seenAt, smtp: node.smtp, http: node.http, claimsReleased: released },
      now: f.now,
    });
    return { outcome: 'forgotten', node, released };
  })();
}
