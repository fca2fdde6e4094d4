import { z } from 'zod';
import { clusterOverview } from '../../../cluster/cluster-overview.ts';
import { forgetNodeByStaff } from '../../../cluster/forget-node.ts';
import { DEFAULT_CLUSTER_LEASE_MS, NODE_ID, NODE_ID_RULE } from '../../../config/config-schema.ts';
import { readClusterFacts } from '../../../store/cluster-nodes-store.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { HttpError, notFound } from '../http-error.ts';

/** The nodes sharing the database and the singleton jobs they run (one node on SQLite). */
export const clusterRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/cluster',
    role: 'viewer',
    summary:
      'The nodes sharing the database (up or down, their listeners, jobs and claimed messages) and where each singleton job runs',
    handle: ({ deps, now }) =>
      clusterOverview(readClusterFacts(deps.db), now, deps.clusterLeaseMs ?? DEFAULT_CLUSTER_LEASE_MS),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/cluster/nodes/:id',
    role: 'admin',
    summary:
      'Take a node that is down or stopped out of the node list and free the messages it had claimed (409 while it is up: it would list itself again)',
    params: z.object({ id: z.string().regex(NODE_ID, NODE_ID_RULE) }),
    handle: ({ params, deps, actor, now }) => {
      const leaseMs = deps.clusterLeaseMs ?? DEFAULT_CLUSTER_LEASE_MS;
      const r = forgetNodeByStaff(deps.db, { id: params.id, actor, now, leaseMs });
      if (r.outcome === 'unknown') throw notFound(`node "${params.id}"`);
      if (r.outcome === 'up')
        throw new HttpError(
          409,
          'conflict',
          `node "${params.id}" is up (it reported itself at ${r.node.seenAt}): stop it first; it is down ${leaseMs} ms after its last report`,
        );
      return { forgotten: params.id, seenAt: r.node.seenAt, claimsReleased: r.released };
    },
  }),
];
