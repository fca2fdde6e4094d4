import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/store/audit-store.ts';
import { listNodes, markNodeStopped, reportNode } from '../../../src/store/cluster-nodes-store.ts';
import { takeOrRenewLease } from '../../../src/store/job-leases-store.ts';
import { startUiApp, textOf, type UiApp as App } from './admin-ui-app.ts';

const now = new Date('2026-12-02T10:00:00.000Z');
const at = (ms: number): Date => new Date(now.getTime() + ms);

describe('admin: nodes page', () => {
  let t: App;
  beforeEach(async () => {
    t = await startUiApp({
      now,
      seed: (db) => {
        // Node n at 10.0.0.n, started and last seen that long ago.
        const node = (n: number, startedMs: number, seenMs: number): void =>
          reportNode(db, {
            id: `mx${n}`,
            startedAt: at(-startedMs).toISOString(),
            seenAt: at(-seenMs).toISOString(),
            smtp: `10.0.0.${n}:25`,
            http: `10.0.0.${n}:8025`,
          });
        node(1, 3_600_000, 2_000);
        node(2, 7_200_000, 600_000);
        node(3, 7_200_000, 300_000);
        markNodeStopped(db, 'mx3', at(-299_000));
        takeOrRenewLease(db, { name: 'outbox', node: 'mx1', now: at(-2_000), until: at(13_000) });
        // mx2 died holding the webhook sender: its lease ran out and no node took it yet.
        takeOrRenewLease(db, { name: 'webhooks', node: 'mx2', now: at(-610_000), until: at(-595_000) });
      },
    });
  });
  afterEach(() => t.close());

  it('shows which node is up, what it runs and which job waits; forgets the node that is down, for admins only', async () => {
    const viewer = await t.login('viewer');
    expect((await t.get(viewer, '/ui/admin/nodes')).statusCode).toBe(403);
    const admin = await t.login('admin');
    const page = await t.get(admin, '/ui/admin/nodes');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toMatch(/mx1 up just now .*10\.0\.0\.1:25 10\.0\.0\.1:8025 0 outbox/);
    expect(text).toMatch(/mx2 down 10 min ago .*10\.0\.0\.2:25 10\.0\.0\.2:8025 0 — Forget node mx2/);
    expect(text).toMatch(/mx3 stopped 5 min ago 5 min ago .*10\.0\.0\.3:25 .* Forget node mx3/);
    expect(text).toMatch(/outbox mx1 running/);
    expect(text).toMatch(/webhooks mx2 waiting/);
    expect(text).toMatch(
      /A node not heard from for 7 days leaves the list at the next retention purge \( ?retention\.goneNodesDays ?\)/,
    );
    // Only a node that is down can be forgotten.
    expect(page.body).not.toContain('/ui/admin/nodes/mx1/forget');
    expect((await t.get(admin, '/ui/admin')).body).toContain('href="/ui/admin/nodes"');

    const refused = await t.post(admin, '/ui/admin/nodes/mx1/forget', { _csrf: admin.csrf });
    expect(refused.statusCode).toBe(409);
    expect(textOf(refused.body)).toContain('Node mx1 is up');
    expect((await t.post(admin, '/ui/admin/nodes/mx2/forget', {})).statusCode).toBe(403);
    const forgot = await t.post(admin, '/ui/admin/nodes/mx2/forget', { _csrf: admin.csrf });
    expect(forgot.statusCode).toBe(303);
    const after = await t.get(admin, forgot.headers.location as string);
    expect(textOf(after.body)).toContain(
      'Node mx2 taken out of the list; 0 message(s) it had claimed are free for the other nodes.',
    );
    expect(listNodes(t.db).map((n) => n.id)).toEqual(['mx1', 'mx3']);
    expect(listAudit(t.db, { action: 'node.forget' })[0]).toMatchObject({
      actor: 'user:admin@esp.example',
      target: 'mx2',
    });
  });

  it('says a gone node stays until forgotten when retention keeps nodes', async () => {
    const kept = await startUiApp({ now, goneNodesDays: null });
    try {
      const page = await kept.get(await kept.login('admin'), '/ui/admin/nodes');
      expect(textOf(page.body)).toMatch(
        /A node that no longer reports itself stays listed until it is forgotten \( ?retention\.goneNodesDays is off\)/,
      );
    } finally {
      await kept.close();
    }
  });
});
