import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeLeases } from '../../src/cluster/node-leases.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { listNodes, reportNode } from '../../src/store/cluster-nodes-store.ts';
import { listLeases, takeOrRenewLease } from '../../src/store/job-leases-store.ts';
import { claimDueMessages, claimsByNode, SqliteMessageStore } from '../../src/store/messages-store.ts';
import {
  ingestedMessage,
  memoryLogger,
  simpleMessage,
  startTestService,
  tempDataDir,
  testConfig,
  waitFor,
} from '../helpers/test-service.ts';

const JOBS = ['outbox', 'webhooks', 'enforcement', 'suppressions', 'purge', 'imap'];

/**
 * Two nodes on one database: two connections to the same SQLite file, or (ABUSEDESK_TEST_DATABASE_URL) to the
 * same PostgreSQL schema, which testConfig derives from the data dir.
 */
describe('NodeLeases: each singleton job on one node at a time', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  const open: Database[] = [];
  const nodes: NodeLeases[] = [];
  const clock = { t: Date.parse('2026-11-23T09:00:00Z') };
  const now = (): Date => new Date(clock.t);
  beforeEach(() => {
    tmp = tempDataDir();
    clock.t = Date.parse('2026-11-23T09:00:00Z');
  });
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.abandon();
    for (const db of open.splice(0)) db.close();
    tmp.cleanup();
  });

  const connect = (): Database => {
    const db = openDatabase(testConfig(tmp.dir));
    open.push(db);
    return db;
  };
  const node = (
    db: Database,
    id: string,
    o: { leaseMs?: number; clock?: boolean; exclusive?: boolean } = {},
  ) => {
    const { logger, lines } = memoryLogger();
    const leases = new NodeLeases({
      db,
      node: id,
      jobs: JOBS,
      leaseMs: o.leaseMs ?? 3000,
      logger,
      ...(o.clock === false ? {} : { now }),
      exclusive: o.exclusive,
    });
    nodes.push(leases);
    return { leases, lines };
  };
  const events = (lines: Array<Record<string, unknown>>, event: string) =>
    lines
      .filter((l) => l.event === event)
      .map(({ job, node, previous, holder }) => ({
        job,
        node,
        ...(previous ? { previous } : {}),
        ...(holder ? { holder } : {}),
      }));

  it('the lease upsert: free → taken, renewed by its holder only, taken by another once expired', () => {
    const db = connect();
    const t0 = new Date(clock.t);
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(takeOrRenewLease(db, { name: 'outbox', node: 'a', now: t0, until: at(1000) })).toBe(true);
    expect(takeOrRenewLease(db, { name: 'outbox', node: 'b', now: at(999), until: at(1999) })).toBe(false);
    expect(takeOrRenewLease(db, { name: 'outbox', node: 'a', now: at(500), until: at(1500) })).toBe(true);
    expect(listLeases(db)).toEqual([
      { name: 'outbox', holder: 'a', expiresAt: at(1500).toISOString(), takenAt: t0.toISOString() },
    ]);
    expect(takeOrRenewLease(db, { name: 'outbox', node: 'b', now: at(1500), until: at(2500) })).toBe(true);
    expect(listLeases(db)).toEqual([
      { name: 'outbox', holder: 'b', expiresAt: at(2500).toISOString(), takenAt: at(1500).toISOString() },
    ]);
    expect(takeOrRenewLease(db, { name: 'outbox', node: 'a', now: at(1600), until: at(2600) })).toBe(false);
  });

  it('gives each job to exactly one node, and to the other one leaseMs after the holder died', async () => {
    const a = node(connect(), 'node-a');
    const b = node(connect(), 'node-b');
    await Promise.all([a.leases.start(), b.leases.start()]);
    for (const job of JOBS)
      expect([a.leases.holds(job), b.leases.holds(job)].filter(Boolean)).toHaveLength(1);
    const [first, second] = a.leases.held().length ? [a, b] : [b, a];
    expect(first.leases.held()).toEqual(JOBS);
    expect(second.leases.held()).toEqual([]);

    // The holder dies: it stops renewing and gives nothing up.
    await first.leases.abandon();
    clock.t += 2999;
    await second.leases.renew();
    expect(second.leases.held(), 'a live lease stays its holder’s').toEqual([]);
    clock.t += 1;
    await second.leases.renew();
    expect(second.leases.held()).toEqual(JOBS);
    expect(events(second.lines, 'cluster.lease_taken')).toEqual(
      JOBS.map((job) => ({ job, node: second.leases.node, previous: first.leases.node })),
    );
    expect(listLeases(open[0]!).map((l) => l.holder)).toEqual(JOBS.map(() => second.leases.node));
    expect(
      listNodes(open[0]!)
        .map((n) => n.id)
        .sort(),
    ).toEqual(['node-a', 'node-b']);
  });

  it('a node that missed its renewals learns it lost the job, and its loop gate closes', async () => {
    const a = node(connect(), 'node-a');
    const b = node(connect(), 'node-b');
    await a.leases.start();
    await b.leases.start();
    const gate: boolean[] = [];
    a.leases.watch('outbox', (held) => gate.push(held));
    // node-a stalls past its lease (a paused process): its own clock ends the lease, node-b takes it over.
    clock.t += 3000;
    expect(a.leases.holds('outbox')).toBe(false);
    await b.leases.renew();
    expect(b.leases.holds('outbox')).toBe(true);
    await a.leases.renew();
    expect(a.leases.held()).toEqual([]);
    expect(gate).toEqual([false]);
    expect(events(a.lines, 'cluster.lease_lost')).toContainEqual({
      job: 'outbox',
      node: 'node-a',
      holder: 'node-b',
    });
  });

  it('a clean stop hands the jobs over at once and lets go of the node’s message claims', async () => {
    const dbA = connect();
    const a = node(dbA, 'node-a');
    const b = node(connect(), 'node-b');
    await a.leases.start();
    await b.leases.start();
    new SqliteMessageStore(dbA).storeNow(
      ingestedMessage(simpleMessage('claimed by node-a'), { receivedAt: now() }),
    );
    expect(
      claimDueMessages(dbA, now(), 10, { node: 'node-a', until: new Date(clock.t + 60_000) }),
    ).toHaveLength(1);
    expect(claimsByNode(dbA).get('node-a')).toBe(1);

    await a.leases.stop();
    expect(a.leases.held()).toEqual([]);
    expect(claimsByNode(dbA).get('node-a')).toBeUndefined();
    expect(events(a.lines, 'cluster.claims_released')).toHaveLength(1);
    // The node list says it stopped, rather than calling it down a lease period later.
    const stoppedAt = (): string | null | undefined =>
      listNodes(dbA).find((n) => n.id === 'node-a')?.stoppedAt;
    expect(stoppedAt()).toBe(now().toISOString());
    // No time passes: the next renewal takes every job.
    await b.leases.renew();
    expect(b.leases.held()).toEqual(JOBS);
    expect(events(b.lines, 'cluster.lease_taken').map((e) => e.previous)).toEqual(JOBS.map(() => undefined));
    // Started again under the same id, it is running: its first report clears the stop.
    const again = node(connect(), 'node-a');
    await again.leases.start();
    expect(stoppedAt()).toBeNull();
  });

  it('a stop the database refuses half way gives up nothing: the node is not called stopped while it holds work', async () => {
    const dbA = connect();
    const a = node(dbA, 'node-a');
    await a.leases.start();
    new SqliteMessageStore(dbA).storeNow(
      ingestedMessage(simpleMessage('still claimed by node-a'), { receivedAt: now() }),
    );
    claimDueMessages(dbA, now(), 10, { node: 'node-a', until: new Date(clock.t + 60_000) });
    // The last of the stop's writes (recording the stop) fails: the releases before it must not stand alone.
    dbA.exec('ALTER TABLE cluster_nodes RENAME TO cluster_nodes_away');
    await a.leases.stop();
    dbA.exec('ALTER TABLE cluster_nodes_away RENAME TO cluster_nodes');
    expect(listLeases(dbA).filter((l) => l.holder === 'node-a')).toHaveLength(JOBS.length);
    expect(claimsByNode(dbA).get('node-a')).toBe(1);
    expect(listNodes(dbA).find((n) => n.id === 'node-a')?.stoppedAt).toBeNull();
  });

  it('renews on its own timer, and the survivor takes over once the lease ran out', async () => {
    // The wall clock here (no injected clock), with a short lease: only waitFor, never a fixed sleep.
    const a = node(connect(), 'node-a', { leaseMs: 300, clock: false });
    const b = node(connect(), 'node-b', { leaseMs: 300, clock: false });
    await a.leases.start();
    await b.leases.start();
    expect(a.leases.held()).toEqual(JOBS);
    const firstExpiry = listLeases(open[0]!)[0]!.expiresAt;
    await waitFor(() => listLeases(open[0]!)[0]!.expiresAt > firstExpiry, 5000, 'a renewal by node-a');
    expect(b.leases.held()).toEqual([]);
    await a.leases.abandon();
    await waitFor(() => b.leases.held().length === JOBS.length, 5000, 'node-b to take every job');
    expect(listLeases(open[0]!).every((l) => l.holder === 'node-b')).toBe(true);
  });

  it('with the database to itself (SQLite, data dir lock), drops the leases and node of an earlier run at start', async () => {
    const old = node(connect(), 'host-1');
    await old.leases.start();
    await old.leases.abandon();
    const restarted = node(connect(), 'host-2', { exclusive: true });
    await restarted.leases.start();
    expect(restarted.leases.held()).toEqual(JOBS);
    // The earlier run leaves the node list too: only this process uses the file.
    expect(listNodes(open[0]!).map((n) => n.id)).toEqual(['host-2']);
    // However late a renewal comes, it keeps the jobs: nobody else can take them.
    clock.t += 10 * 3000;
    expect(restarted.leases.held()).toEqual(JOBS);
  });
});

describe('serve as a node', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  it('shows its id, engine, claims and leases on /healthz, and labels every metric with its id', async () => {
    const token = 'prometheus-scrape-secret-0123456789';
    const svc = await startTestService(tmp.dir, {
      overrides: { cluster: { nodeId: 'node-7' }, http: { metricsToken: token } },
    });
    try {
      expect(svc.node.id).toBe('node-7');
      const h = await svc.http.inject({ method: 'GET', url: '/healthz' });
      expect(h.statusCode, h.body).toBe(200);
      const body = h.json<{ node: { id: string; engine: string; claims: number; leases: string[] } }>();
      expect(body.node).toMatchObject({
        id: 'node-7',
        engine: process.env.ABUSEDESK_TEST_DATABASE_URL ? 'postgres' : 'sqlite',
        claims: 0,
      });
      expect(body.node.leases).toEqual(expect.arrayContaining(['outbox', 'webhooks', 'enforcement']));

      // Another node died an hour ago holding a job this node does not run (no IMAP source here).
      const hourAgo = new Date(Date.now() - 3_600_000);
      reportNode(svc.db, {
        id: 'node-3',
        startedAt: hourAgo.toISOString(),
        seenAt: hourAgo.toISOString(),
        smtp: null,
        http: null,
      });
      takeOrRenewLease(svc.db, { name: 'imap', node: 'node-3', now: hourAgo, until: hourAgo });
      const m = await svc.http.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(m.statusCode).toBe(200);
      const samples = m.body.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(samples.length).toBeGreaterThan(10);
      expect(samples.filter((l) => !l.includes('node="node-7"'))).toEqual([]);
      expect(m.body).toMatch(/^abusedesk_node_claims\{node="node-7"\} 0$/m);
      expect(m.body).toMatch(/^abusedesk_node_leases\{job="outbox",node="node-7"\} 1$/m);
      // The cluster as every node sees it: alert on a node down or a job that runs nowhere.
      expect(m.body).toMatch(/^abusedesk_cluster_nodes\{status="up",node="node-7"\} 1$/m);
      expect(m.body).toMatch(/^abusedesk_cluster_nodes\{status="down",node="node-7"\} 1$/m);
      expect(m.body).toMatch(/^abusedesk_cluster_nodes\{status="stopped",node="node-7"\} 0$/m);
      expect(m.body).toMatch(/^abusedesk_cluster_jobs_waiting\{node="node-7"\} 1$/m);
    } finally {
      await svc.stop();
    }
    expect(svc.lines.some((l) => l.event === 'cluster.lease_taken' && l.job === 'outbox')).toBe(true);
  });
});
