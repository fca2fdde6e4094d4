import { afterEach, describe, expect, it } from 'vitest';
import {
  clusterIdle,
  clusterOutcome,
  clusterState,
  expectActionsOnce,
  processedBy,
} from '../helpers/cluster-checks.ts';
import { clusterDatabase, clusterSuite, waitForAsync, type ClusterNode } from '../helpers/cluster-nodes.ts';
import { clusterReports, deliverAll, startClusterWithSink } from '../helpers/cluster-traffic.ts';

const claimTimeoutMs = 3000;

// Several nodes share one database only on PostgreSQL; the SQLite run has nothing to test here.
describe.skipIf(!clusterDatabase)(clusterSuite('two nodes, one database: a node killed -9'), () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('node 1 dies mid-burst: every message answered 250 is processed once, node 2 takes over its claims', async () => {
    const started = await startClusterWithSink({ claimTimeoutMs });
    ({ close } = started);
    const { cluster, sink } = started;
    const { db } = cluster;
    const [node1, node2] = cluster.nodes as [ClusterNode, ClusterNode];
    const items = clusterReports(1000);
    let answeredByNode1 = 0;
    const kill: { done: Promise<void> | null } = { done: null };
    let claimedAtKill: string[] = [];
    let freezes = 0;
    const claimsOf = (n: ClusterNode): string[] =>
      db
        .prepare("SELECT queue_id FROM messages WHERE claimed_by = ? AND state = 'queued'")
        .pluck()
        .all(n.name) as string[];
    /**
     * Kills node 1 while its worker holds claims, however fast this machine processes: node 1 is frozen, its
     * claims read (until two reads agree: a commit its server already received still lands), and thawed again
     * for a few milliseconds if it held none.
     */
    const killHoldingClaims = async (): Promise<void> => {
      for (;;) {
        node1.freeze(true);
        freezes++;
        let held = claimsOf(node1);
        for (let again = claimsOf(node1); again.join() !== held.join(); again = claimsOf(node1)) held = again;
        if (held.length > 0 || freezes === 1000) break;
        node1.freeze(false);
        await new Promise((r) => setTimeout(r, 3));
      }
      await node1.kill9();
      claimedAtKill = claimsOf(node1);
    };
    const sent = await deliverAll(items, cluster.nodes, {
      connections: 6,
      onAccepted: (a) => {
        if (a.node !== node1.name || kill.done) return;
        // Mid-burst: node 1 has answered 200 and its worker is processing them.
        if (++answeredByNode1 === 200) kill.done = killHoldingClaims();
      },
    });
    await kill.done;
    expect(node1.alive()).toBe(false);
    expect(sent.refused).toEqual([]);
    // Everything was answered 250 in the end: what node 1 refused, dropped or never got went to node 2.
    expect(sent.accepted.size).toBe(items.length);
    const answered = new Set([...sent.accepted.values()].map((a) => a.queueId));

    await waitForAsync(
      () => clusterIdle(db, { dueOnly: true }),
      360_000,
      () => `every message processed and the outbox empty: ${clusterState(db)}`,
      250,
    );
    const outcome = clusterOutcome(db, items, cluster.nodes);
    const by = processedBy(cluster.nodes);
    const byNode2 = new Set(by.get(node2.name));
    const takenOver = claimedAtKill.filter((q) => byNode2.has(q));
    const processed = [...by.values()].flat();
    const answeredBy = (n: ClusterNode): number =>
      [...sent.accepted.values()].filter((a) => a.node === n.name).length;
    console.log(
      `cluster B: ${items.length} sent; answered 250 by ${node1.name} ${answeredBy(node1)} (killed after ${answeredByNode1} and ${freezes} freezes) / ` +
        `${node2.name} ${answeredBy(node2)}, ${sent.rerouted} resent; ${claimedAtKill.length} claimed by ${node1.name} at the kill, ` +
        `${takenOver.length} taken over by ${node2.name}; processed ${node1.name} ${by.get(node1.name)!.length} / ` +
        `${node2.name} ${by.get(node2.name)!.length}, ${outcome.done} done of ${outcome.messages} stored ` +
        `(${outcome.actedTwice.length} acted twice, ${outcome.retried.length} retried); ${outcome.mailClaimed} acknowledgements held by ${node1.name}'s outbox claim`,
    );

    // Every message stored is done, each by one run that wrote it once (node 1's unfinished runs wrote nothing).
    expect.soft(outcome.notDone).toEqual([]);
    expect.soft(outcome.done).toBe(outcome.messages);
    for (const q of answered) expect(processed).toContain(q);
    expect(new Set(processed).size).toBe(processed.length);
    // Exactly once, and the actions happened once per report.
    expectActionsOnce(outcome, items, cluster.nodes);
    expect(claimedAtKill.length).toBeGreaterThan(0);
    expect(takenOver).toEqual(claimedAtKill);
    // Every acknowledgement was sent, but those node 1 was sending when it died: they wait out the outbox
    // sender's row lease (then node 2 sends them, at least once).
    expect.soft(outcome.mailNotSent).toBe(outcome.mailClaimed);
    // At least once across a crash: every row marked sent arrived (a redelivery keeps its webhook-id).
    expect(sink.got.size).toBeGreaterThanOrEqual(outcome.webhooksSent);
  }, 600_000);
});
