import { afterEach, describe, expect, it } from 'vitest';
import {
  clusterIdle,
  clusterOutcome,
  clusterState,
  expectActionsOnce,
  processedBy,
} from '../helpers/cluster-checks.ts';
import { clusterDatabase, clusterSuite, waitForAsync } from '../helpers/cluster-nodes.ts';
import { clusterReports, deliverAll, startClusterWithSink } from '../helpers/cluster-traffic.ts';

// Several nodes share one database only on PostgreSQL; the SQLite run has nothing to test here.
describe.skipIf(!clusterDatabase)(clusterSuite('two nodes, one database: exactly once'), () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('2,000 reports sent round-robin to both nodes: each processed once, each action once', async () => {
    const started = await startClusterWithSink();
    ({ close } = started);
    const { cluster, sink } = started;
    const { db, nodes } = cluster;
    const items = clusterReports(2000);
    const sent = await deliverAll(items, nodes, { connections: 6 });
    expect(sent.refused).toEqual([]);
    expect(sent.accepted.size).toBe(items.length);
    const queueIds = new Set([...sent.accepted.values()].map((a) => a.queueId));
    expect(queueIds.size).toBe(items.length);

    await waitForAsync(
      () => clusterIdle(db),
      480_000,
      () => `every message processed and the outbox empty: ${clusterState(db)}`,
      250,
    );
    const outcome = clusterOutcome(db, items, nodes);
    const by = processedBy(nodes);
    const perNode = nodes.map((n) => by.get(n.name)!.length);
    const processed = [...by.values()].flat();
    console.log(
      `cluster A: ${items.length} sent (${nodes.map((n) => `${n.name} ${[...sent.accepted.values()].filter((a) => a.node === n.name).length}`).join(' / ')} answered 250), ` +
        `${outcome.done} done (${outcome.actedTwice.length} acted twice, ${outcome.retried.length} retried), processed ${nodes.map((n, i) => `${n.name} ${perNode[i]}`).join(' / ')}; ` +
        `${outcome.reports} reports, ${outcome.suppressions} suppressions, ${outcome.acks} acknowledgements ` +
        `(${outcome.ackFiles} written), ${outcome.webhooks} webhooks queued (${sink.got.size} delivered so far)`,
    );

    expect.soft(outcome.messages).toBe(items.length);
    expect.soft(outcome.notDone).toEqual([]);
    expect.soft(outcome.done).toBe(items.length);
    // Exactly once, and the actions happened once per report (messages = items checked above).
    expectActionsOnce(outcome, items, cluster.nodes);
    // Every answered queue id was processed, by exactly one node.
    expect(processed.length).toBe(items.length);
    expect(new Set(processed)).toEqual(queueIds);
    expect(perNode.every((n) => n > 0)).toBe(true);
    const complaints = items.filter((m) => m.kind === 'complaint').length;
    expect.soft(outcome.complaintTickets).toBe(complaints);
    expect.soft(outcome.ackFiles).toBe(complaints);
    expect.soft(outcome.mailNotSent).toBe(0);
    // Webhook delivery goes on after the last acknowledgement (a few per report): of what was delivered so far,
    // nothing arrived twice without a crash (one sender across the cluster), and every row marked sent arrived.
    expect([...sink.got.entries()].filter(([, g]) => g.n > 1)).toEqual([]);
    expect(sink.got.size).toBeGreaterThanOrEqual(outcome.webhooksSent);
  }, 720_000);
});
