import { afterEach, describe, expect, it } from 'vitest';
import {
  clusterDatabase,
  clusterSuite,
  startCluster,
  waitForAsync,
  type Cluster,
  type ClusterNode,
} from '../helpers/cluster-nodes.ts';

/** The singleton jobs of a node with the worker on, a purge interval and no IMAP source. */
const jobs = ['enforcement', 'outbox', 'purge', 'suppressions', 'webhooks'];
const leaseMs = 1500;

const leasesOf = async (node: ClusterNode): Promise<string[]> => {
  const health = await node.healthz();
  const facts = health.node as { leases?: string[] } | undefined;
  if (!facts?.leases)
    throw new Error(`${node.name}'s /healthz has no node.leases: ${JSON.stringify(health)}`);
  return [...facts.leases].sort();
};

// Several nodes share one database only on PostgreSQL; the SQLite run has nothing to test here.
describe.skipIf(!clusterDatabase)(clusterSuite('two nodes, one database: singleton jobs'), () => {
  let cluster: Cluster | null = null;
  afterEach(async () => {
    await cluster?.close();
    cluster = null;
  });

  it('each singleton job runs on exactly one node; the survivor takes over the jobs of a node killed -9', async () => {
    cluster = await startCluster({ nodes: 2, leaseMs });
    const [node1, node2] = cluster.nodes as [ClusterNode, ClusterNode];

    // Both nodes have started and renewed once: every job is held, none by both.
    const split = await waitForAsync(
      async () => {
        const [a, b] = await Promise.all([leasesOf(node1), leasesOf(node2)]);
        const both = a.filter((j) => b.includes(j));
        return both.length === 0 && [...a, ...b].sort().join() === jobs.join() ? { a, b } : null;
      },
      leaseMs * 4 + 10_000,
      'every singleton job held by exactly one node',
    );
    const holders = cluster.db.prepare('SELECT name, holder FROM job_leases ORDER BY name').all() as Array<{
      name: string;
      holder: string;
    }>;
    expect(holders.map((h) => h.name)).toEqual(jobs);
    for (const h of holders) expect(split[h.holder === node1.name ? 'a' : 'b']).toContain(h.name);

    const [holder, survivor] = split.a.includes('outbox') ? [node1, node2] : [node2, node1];
    const before = await leasesOf(survivor);
    expect(before).not.toContain('outbox');
    await holder.kill9();
    const killedAt = Date.now();
    // The dead node's lease runs out after leaseMs; the survivor renews every leaseMs / 3 and takes it then.
    // The margin covers a loaded machine's late timers, never proves a duration.
    await waitForAsync(
      async () => (await leasesOf(survivor)).includes('outbox'),
      leaseMs * 2 + 8000,
      `${survivor.name} to take over the outbox`,
    );
    const tookMs = Date.now() - killedAt;
    await waitForAsync(
      async () => (await leasesOf(survivor)).join() === jobs.join(),
      leaseMs * 2 + 8000,
      `${survivor.name} to hold every singleton job`,
    );
    const after = cluster.db.prepare('SELECT DISTINCT holder FROM job_leases').pluck().all();
    expect(after).toEqual([survivor.name]);
    console.log(
      `cluster D: ${node1.name} held [${split.a.join(', ')}], ${node2.name} held [${split.b.join(', ')}]; ` +
        `${holder.name} killed, ${survivor.name} took over [${jobs.filter((j) => !before.includes(j)).join(', ')}] ` +
        `(outbox after ${tookMs} ms, leaseMs ${leaseMs})`,
    );
  }, 90_000);
});
