import { afterEach, describe, expect, it } from 'vitest';
import {
  clusterIdle,
  clusterOutcome,
  clusterState,
  processedBy,
  retryErrors,
} from '../helpers/cluster-checks.ts';
import {
  clusterDatabase,
  clusterSuite,
  startCluster,
  waitForAsync,
  type Cluster,
} from '../helpers/cluster-nodes.ts';
import { ackEnv, clusterReports, deliverAll, webhookSink } from '../helpers/cluster-traffic.ts';

// Several nodes share one database only on PostgreSQL; the SQLite run has nothing to test here.
describe.skipIf(!clusterDatabase)(clusterSuite('two nodes, one database: exactly once'), () => {
  let cluster: Cluster | null = null;
  let sink: Awaited<ReturnType<typeof webhookSink>> | null = null;
  afterEach(async () => {
    await cluster?.close();
    await sink?.close();
    cluster = null;
    sink = null;
  });

  it('2,000 reports sent round-robin to both nodes: each processed once, each action once', async () => {
    sink = await webhookSink();
    cluster = await startCluster({
      nodes: 2,
      env: {
        ...ackEnv,
        ABUSEDESK_WEBHOOKS_ENDPOINTS: JSON.stringify([{ url: sink.url, secret: sink.secret }]),
      },
    });
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
    // Exactly once: no message had two runs that both went through.
    expect.soft(outcome.actedTwice.slice(0, 3)).toEqual([]);
    // And each was processed by one run: a run that failed and was retried (a conflict between the nodes)
    // shows here with its error.
    expect.soft(retryErrors(cluster.nodes)).toEqual({});
    expect.soft(outcome.retried.length).toBe(0);
    // Every answered queue id was processed, by exactly one node.
    expect(processed.length).toBe(items.length);
    expect(new Set(processed)).toEqual(queueIds);
    expect(perNode.every((n) => n > 0)).toBe(true);
    expect.soft(outcome.reports).toBe(items.length);
    expect.soft(outcome.duplicateReports).toBe(0);
    expect.soft(outcome.duplicateIncidents).toEqual([]);
    expect.soft(outcome.miscountedTickets).toEqual([]);
    expect.soft(outcome.duplicateReportEvents).toBe(0);
    expect.soft(outcome.duplicateSuppressions).toEqual([]);
    expect.soft(outcome.missingSuppressions).toEqual([]);
    const complaints = items.filter((m) => m.kind === 'complaint').length;
    expect.soft(outcome.complaintTickets).toBe(complaints);
    expect.soft(outcome.acks).toBe(complaints);
    expect.soft(outcome.duplicateAcks).toBe(0);
    expect.soft(outcome.unacknowledged).toEqual([]);
    expect.soft(outcome.ackFiles).toBe(complaints);
    expect.soft(outcome.duplicateWebhooks).toBe(0);
    expect.soft(outcome.reportsWithoutWebhook).toBe(0);
    expect.soft(outcome.mailNotSent).toBe(0);
    // Webhook delivery goes on after the last acknowledgement (a few per report): of what was delivered so far,
    // nothing arrived twice without a crash (one sender across the cluster), and every row marked sent arrived.
    expect([...sink.got.entries()].filter(([, g]) => g.n > 1)).toEqual([]);
    expect(sink.got.size).toBeGreaterThanOrEqual(outcome.webhooksSent);
  }, 720_000);
});
