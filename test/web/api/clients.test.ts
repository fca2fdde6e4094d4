import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness } from './api-harness.ts';

type Harness = Awaited<ReturnType<typeof apiHarness>>;

describe('clients, campaigns and sends API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists clients with status, counts and rates; shows one with domains and campaigns', async () => {
    const list = (await h.call('GET', '/api/v1/clients', 'viewer')).json();
    expect(list.items.map((c: { slug: string }) => c.slug)).toEqual(['acme', 'globex', 'initech']);
    expect(list.items[0]).toMatchObject({ slug: 'acme', status: 'active', complaints: 0, bounces: 0, suppressions: 0, openTickets: 0 });
    expect(list.items[0]).toHaveProperty('complaintRate');
    const acme = (await h.call('GET', '/api/v1/clients/acme', 'viewer')).json();
    expect(acme.domains).toContain('news.acme.example');
    expect(acme.campaigns.map((c: { slug: string }) => c.slug)).toContain('acme-spring-sale');
    expect((await h.call('GET', '/api/v1/clients/nobody', 'viewer')).statusCode).toBe(404);
  });

  it('suspends and reinstates a client (admin), with the reason in the audit log', async () => {
    const s = await h.call('POST', '/api/v1/clients/globex/suspend', 'admin', { reason: 'complaint rate 1.2 %' });
    expect(s.statusCode).toBe(200);
    expect(s.json().status).toBe('suspended');
    expect((await h.call('GET', '/api/v1/clients?status=suspended', 'viewer')).json().items.map((c: { slug: string }) => c.slug)).toEqual(['globex']);
    expect((await h.call('POST', '/api/v1/clients/globex/suspend', 'admin', { reason: 'again' })).statusCode).toBe(409);
    expect((await h.call('POST', '/api/v1/clients/globex/reinstate', 'admin', {})).statusCode).toBe(400);
    expect((await h.call('POST', '/api/v1/clients/globex/reinstate', 'admin', { reason: 'list cleaned' })).json().status).toBe('active');
    const audit = h.db.prepare("SELECT action, detail FROM audit_log WHERE target = 'globex' ORDER BY id").all() as Array<{ action: string; detail: string }>;
    expect(audit.map((a) => a.action)).toEqual(['client.suspend', 'client.reinstate']);
    expect(JSON.parse(audit[0]!.detail)).toEqual({ from: 'active', to: 'suspended', reason: 'complaint rate 1.2 %' });
  });

  it('upserts clients and campaigns with sent/delivered counts', async () => {
    const c = await h.call('PUT', '/api/v1/clients/hooli', 'admin', { name: 'Hooli', domains: ['Mail.Hooli.example'] });
    expect(c.statusCode).toBe(200);
    expect(c.json()).toMatchObject({ slug: 'hooli', name: 'Hooli', status: 'active' });
    const k = await h.call('PUT', '/api/v1/campaigns/hooli-launch', 'admin', { client: 'hooli', sent: 1000, delivered: 980 });
    expect(k.json()).toMatchObject({ slug: 'hooli-launch', client: 'hooli', sent: 1000, delivered: 980 });
    expect((await h.call('PUT', '/api/v1/campaigns/hooli-launch', 'admin', { client: 'hooli', sent: 2000, delivered: 1990 })).json().sent).toBe(2000);
    expect((await h.call('GET', '/api/v1/clients/hooli', 'viewer')).json()).toMatchObject({ domains: ['mail.hooli.example'], sent: 2000, delivered: 1990, complaintRate: 0 });
    const other = await h.call('PUT', '/api/v1/campaigns/hooli-launch', 'admin', { client: 'acme', sent: 1, delivered: 1 });
    expect(other.statusCode).toBe(409);
    const unknown = await h.call('PUT', '/api/v1/campaigns/x-1', 'admin', { client: 'nobody' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0].path).toBe('client');
    expect((await h.call('PUT', '/api/v1/campaigns/x-1', 'agent', { client: 'acme' })).statusCode).toBe(403);
    expect((await h.call('GET', '/api/v1/campaigns?client=hooli', 'viewer')).json().items).toHaveLength(1);
  });

  it('imports thousands of sends in one request with per-row errors', async () => {
    const rows: unknown[] = Array.from({ length: 5000 }, (_, i) => ({
      messageId: `<send-${i}@news.acme.example>`,
      recipient: `r${i}@example.net`,
      client: 'acme',
      campaign: 'acme-spring-sale',
      sentAt: '2026-11-02T08:00:00Z',
    }));
    rows[10] = { ...(rows[10] as object), recipient: 'not an address' };
    rows[20] = { ...(rows[20] as object), client: 'nobody' };
    rows[30] = 'not an object';
    const r = await h.call('POST', '/api/v1/sends', 'admin', { sends: rows });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ received: 5000, stored: 4997 });
    expect(body.errors.map((e: { index: number }) => e.index)).toEqual([10, 20, 30]);
    expect(body.errors[0].error).toMatch(/^recipient:/);
    expect(body.errors[1].error).toMatch(/unknown client/);
    expect((h.db.prepare('SELECT count(*) AS n FROM sends').get() as { n: number }).n).toBe(4997);
    // a bare array works too; re-importing is idempotent
    expect((await h.call('POST', '/api/v1/sends', 'admin', rows.slice(0, 5))).json()).toMatchObject({ received: 5, stored: 5, errors: [] });
    expect((h.db.prepare('SELECT count(*) AS n FROM sends').get() as { n: number }).n).toBe(4997);
    expect((await h.call('POST', '/api/v1/sends', 'admin', [])).statusCode).toBe(400);
    expect((await h.call('POST', '/api/v1/sends', 'agent', rows.slice(0, 1))).statusCode).toBe(403);
  });
});
