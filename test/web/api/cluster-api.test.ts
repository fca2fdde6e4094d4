import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/store/audit-store.ts';
import { reportNode } from '../../../src/store/cluster-nodes-store.ts';
import { takeOrRenewLease } from '../../../src/store/job-leases-store.ts';
import { claimDueMessages, claimsByNode, SqliteMessageStore } from '../../../src/store/messages-store.ts';
import { ingestedMessage, simpleMessage } from '../../helpers/test-service.ts';
import { apiHarness } from './api-harness.ts';

type Harness = Awaited<ReturnType<typeof apiHarness>>;

/** Two nodes: mx1 reporting now and running the outbox sender, mx2 silent for a minute with two messages claimed. */
function seedCluster(h: Harness): void {
  const now = Date.now();
  const at = (ms: number): Date => new Date(now + ms);
  reportNode(h.db, {
    id: 'mx1',
    startedAt: at(-3_600_000).toISOString(),
    seenAt: at(0).toISOString(),
    smtp: '10.0.0.1:25',
    http: '10.0.0.1:8025',
  });
  reportNode(h.db, {
    id: 'mx2',
    startedAt: at(-7_200_000).toISOString(),
    seenAt: at(-60_000).toISOString(),
    smtp: '10.0.0.2:25',
    http: '10.0.0.2:8025',
  });
  takeOrRenewLease(h.db, { name: 'outbox', node: 'mx1', now: at(0), until: at(15_000) });
  const store = new SqliteMessageStore(h.db);
  for (const subject of ['one', 'two'])
    store.storeNow(ingestedMessage(simpleMessage(subject), { receivedAt: at(-120_000) }));
  expect(claimDueMessages(h.db, at(-90_000), 10, { node: 'mx2', until: at(600_000) })).toHaveLength(2);
}

describe('API: the nodes sharing the database', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await apiHarness({ cluster: { leaseMs: 15_000 } });
    seedCluster(h);
  });
  afterEach(() => h.close());

  it('shows each node up or down with its listeners, jobs and claimed messages, and where each job runs', async () => {
    expect((await h.call('GET', '/api/v1/cluster', null)).statusCode).toBe(401);
    const r = await h.call('GET', '/api/v1/cluster', 'viewer');
    expect(r.statusCode).toBe(200);
    const view = r.json<{ leaseMs: number; nodes: unknown[]; jobs: unknown[] }>();
    expect(view.leaseMs).toBe(15_000);
    expect(view.nodes).toEqual([
      expect.objectContaining({ id: 'mx1', status: 'up', smtp: '10.0.0.1:25', jobs: ['outbox'], claims: 0 }),
      expect.objectContaining({ id: 'mx2', status: 'down', http: '10.0.0.2:8025', jobs: [], claims: 2 }),
    ]);
    expect(view.jobs).toEqual([
      expect.objectContaining({ name: 'outbox', holder: 'mx1', status: 'running' }),
    ]);
  });

  it('forgets a node that is down and frees its claimed messages at once; refuses one that is up', async () => {
    expect((await h.call('DELETE', '/api/v1/cluster/nodes/mx2', 'agent')).statusCode).toBe(403);
    const up = await h.call('DELETE', '/api/v1/cluster/nodes/mx1', 'admin');
    expect(up.statusCode).toBe(409);
    expect(up.json<{ error: { message: string } }>().error.message).toMatch(
      /node "mx1" is up .*stop it first/,
    );
    expect((await h.call('DELETE', '/api/v1/cluster/nodes/mx9', 'admin')).statusCode).toBe(404);
    expect((await h.call('DELETE', '/api/v1/cluster/nodes/a%20b', 'admin')).statusCode).toBe(400);

    const r = await h.call('DELETE', '/api/v1/cluster/nodes/mx2', 'admin');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ forgotten: 'mx2', claimsReleased: 2 });
    // Its messages are free: the next claim of any node takes them.
    expect(claimsByNode(h.db).get('mx2')).toBeUndefined();
    const after = (await h.call('GET', '/api/v1/cluster', 'viewer')).json<{ nodes: Array<{ id: string }> }>();
    expect(after.nodes.map((n) => n.id)).toEqual(['mx1']);
    expect(listAudit(h.db, { action: 'node.forget' })[0]).toMatchObject({
      actor: 'token:test-admin',
      target: 'mx2',
      detail: { smtp: '10.0.0.2:25', claimsReleased: 2 },
    });
    expect((await h.call('DELETE', '/api/v1/cluster/nodes/mx2', 'admin')).statusCode).toBe(404);
  });
});
