import { describe, expect, it } from 'vitest';
import { clusterOverview } from '../../src/cluster/cluster-overview.ts';

const now = new Date('2026-12-02T10:00:00.000Z');
const ago = (ms: number): string => new Date(now.getTime() - ms).toISOString();
const ahead = (ms: number): string => new Date(now.getTime() + ms).toISOString();
const node = (id: string, seenMsAgo: number) => ({
  id,
  startedAt: ago(3_600_000),
  seenAt: ago(seenMsAgo),
  smtp: `10.0.0.${id.length}:25`,
  http: `10.0.0.${id.length}:8025`,
});

describe('clusterOverview', () => {
  it('calls a node down once a whole lease period passed without its report, and lists the nodes that are up first', () => {
    const view = clusterOverview(
      {
        nodes: [node('mx2', 20_000), node('mx1', 4_000), node('mx3', 15_000)],
        leases: [],
        claims: new Map(),
      },
      now,
      15_000,
    );
    expect(view.nodes.map((n) => [n.id, n.status])).toEqual([
      ['mx1', 'up'],
      ['mx2', 'down'],
      // Exactly one lease period without a report: its leases have run out.
      ['mx3', 'down'],
    ]);
    expect(view.nodes[0]).toMatchObject({ smtp: '10.0.0.3:25', http: '10.0.0.3:8025', jobs: [], claims: 0 });
  });

  it('calls a node that stopped cleanly stopped at once, and lists it after those that are down', () => {
    const view = clusterOverview(
      {
        nodes: [
          { ...node('mx1', 2_000), stoppedAt: ago(1_000) },
          node('mx2', 30_000),
          // Restarted since its last stop: a report clears stoppedAt.
          { ...node('mx3', 2_000), stoppedAt: null },
        ],
        leases: [],
        claims: new Map(),
      },
      now,
      15_000,
    );
    expect(view.nodes.map((n) => [n.id, n.status, n.stoppedAt])).toEqual([
      ['mx3', 'up', null],
      ['mx2', 'down', null],
      ['mx1', 'stopped', ago(1_000)],
    ]);
  });

  it('gives each node the jobs whose lease it holds now and the messages it has claimed; a lapsed lease runs nowhere', () => {
    const view = clusterOverview(
      {
        nodes: [node('mx1', 1_000), node('mx2', 60_000)],
        leases: [
          { name: 'outbox', holder: 'mx1', expiresAt: ahead(10_000), takenAt: ago(50_000) },
          { name: 'purge', holder: 'mx1', expiresAt: ahead(10_000), takenAt: ago(50_000) },
          // mx2 died holding the webhook sender and no node has taken it yet.
          { name: 'webhooks', holder: 'mx2', expiresAt: ago(45_000), takenAt: ago(600_000) },
        ],
        // A node that never reported itself (an older version, a CLI run) can still hold claims.
        claims: new Map([
          ['mx2', 12],
          ['ghost', 3],
        ]),
      },
      now,
      15_000,
    );
    expect(view.nodes.map((n) => ({ id: n.id, status: n.status, jobs: n.jobs, claims: n.claims }))).toEqual([
      { id: 'mx1', status: 'up', jobs: ['outbox', 'purge'], claims: 0 },
      { id: 'ghost', status: 'down', jobs: [], claims: 3 },
      { id: 'mx2', status: 'down', jobs: [], claims: 12 },
    ]);
    expect(view.nodes[1]).toMatchObject({ seenAt: null, startedAt: null, smtp: null, http: null });
    expect(view.jobs.map((j) => [j.name, j.holder, j.status])).toEqual([
      ['outbox', 'mx1', 'running'],
      ['purge', 'mx1', 'running'],
      ['webhooks', 'mx2', 'waiting'],
    ]);
    expect(view.leaseMs).toBe(15_000);
  });
});
