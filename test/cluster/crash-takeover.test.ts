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
/**
 * How long a mail or webhook a sender took stays with it: short, so that what node 1 was delivering when it died
 * is delivered by node 2 within the test (the default is minutes). Past the webhook timeout, as the config requires.
 */
const deliveryEnv = {
  ABUSEDESK_OUTBOX_LEASE_MS: '4000',
  ABUSEDESK_WEBHOOKS_TIMEOUT_MS: '3000',
  ABUSEDESK_WEBHOOKS_LEASE_MS: '4000',
};

// Several nodes share one database only on PostgreSQL; the SQLite run has nothing to test here.
describe.skipIf(!clusterDatabase)(clusterSuite('two nodes, one database: a node killed -9'), () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('node 1 dies mid-burst: every message answered 250 is processed once, node 2 takes over its claims', async () => {
    const started = await startClusterWithSink({ claimTimeoutMs, env: deliveryEnv });
    ({ close } = started);
    const { cluster, sink } = started;
    const { db } = cluster;
    const [node1, node2] = cluster.nodes as [ClusterNode, ClusterNode];
    const items = clusterReports(1000);
    let answeredByNode1 = 0;
    const kill: { done: Promise<void> | null } = { done: null };
    let claimedAtKill: string[] = [];
    /** Outbox rows a sender had taken (pending, not due) at the kill: node 1's are delivered after their lease. */
    let takenAtKill = '';
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
      takenAtKill = (
        db
          .prepare(
            "SELECT kind, count(*) FROM outbox WHERE state = 'pending' AND next_attempt_at > ? GROUP BY kind ORDER BY kind",
          )
          .raw()
          .all(new Date().toISOString()) as Array<[string, number]>
      )
        .map(([kind, n]) => `${n} ${kind}`)
        .join(', ');
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
      () => db.prepare("SELECT count(*) FROM messages WHERE state = 'queued'").pluck().get() === 0,
      360_000,
      () => `every message processed: ${clusterState(db)}`,
      250,
    );
    // What node 1 was delivering waits out its row lease (deliveryEnv): well within this wait, unlike the
    // default's five minutes.
    await waitForAsync(
      () => clusterIdle(db, { webhooks: true }),
      120_000,
      () => `every mail and webhook delivered: ${clusterState(db)}`,
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
        `(${outcome.actedTwice.length} acted twice, ${outcome.retried.length} retried); outbox rows taken at the kill: ${takenAtKill || 'none'}; ` +
        `${outcome.ackFiles} acknowledgement files for ${outcome.acks} acknowledgements, ${sink.got.size} webhook ids received for ${outcome.webhooks} rows`,
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
    // Every acknowledgement and webhook was delivered, those node 1 was delivering when it died too (by node 2,
    // once their row lease ran out): at least once across a crash (a redelivery keeps its webhook-id).
    expect.soft(outcome.mailNotSent).toBe(0);
    expect.soft(outcome.webhooksNotSent).toBe(0);
    expect(outcome.ackFiles).toBeGreaterThanOrEqual(outcome.acks);
    expect(sink.got.size).toBe(outcome.webhooks);
  }, 600_000);
});
