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
    expect(list.items[0]).toMatchObject({
      slug: 'acme',
      status: 'active',
      complaints: 0,
      bounces: 0,
      suppressions: 0,
      openTickets: 0,
    });
    expect(list.items[0]).toHaveProperty('complaintRate');
    const acme = (await h.call('GET', '/api/v1/clients/acme', 'viewer')).json();
    expect(acme.domains).toContain('news.acme.example');
    expect(acme.campaigns.map((c: { slug: string }) => c.slug)).toContain('acme-spring-sale');
    expect((await h.call('GET', '/api/v1/clients/nobody', 'viewer')).statusCode).toBe(404);
  });

  it('suspends and reinstates a client (admin) with a note and consent answers, kept in its history and the audit log', async () => {
    const s = await h.call('POST', '/api/v1/clients/globex/suspend', 'admin', {
      note: 'complaint rate 1.2 %',
    });
    expect(s.statusCode).toBe(200);
    expect(s.json().status).toBe('suspended');
    expect(
      (await h.call('GET', '/api/v1/clients?status=suspended', 'viewer'))
        .json()
        .items.map((c: { slug: string }) => c.slug),
    ).toEqual(['globex']);
    expect(
      (await h.call('POST', '/api/v1/clients/globex/suspend', 'admin', { note: 'again' })).statusCode,
    ).toBe(409);
    expect((await h.call('POST', '/api/v1/clients/globex/suspend', 'admin', {})).statusCode).toBe(400);
    // A suspended client comes back only through reinstatement, which needs the consent answers.
    expect(
      (await h.call('POST', '/api/v1/clients/globex/status', 'admin', { status: 'active', note: 'oops' }))
        .statusCode,
    ).toBe(422);
    const noConsent = await h.call('POST', '/api/v1/clients/globex/reinstate', 'admin', {
      note: 'list cleaned',
    });
    expect(noConsent.statusCode).toBe(400);
    expect(noConsent.json().error.details.map((d: { path: string }) => d.path)).toContain('consent');
    const consent = {
      listAgeMonths: 6,
      signupUrl: 'https://globex.example/newsletter',
      method: 'single-opt-in',
      proof: { at: '2026-05-01T10:00:00Z', ip: '203.0.113.9', source: 'website form' },
    };
    const badIp = await h.call('POST', '/api/v1/clients/globex/reinstate', 'admin', {
      note: 'x',
      consent: { ...consent, proof: { ...consent.proof, ip: 'not-an-ip' } },
    });
    expect(badIp.statusCode).toBe(400);
    expect(badIp.json().error.message).toMatch(/consent\.proof\.ip/);
    const harvested = await h.call('POST', '/api/v1/clients/globex/reinstate', 'admin', {
      note: 'x',
      consent: { ...consent, method: 'harvested' },
    });
    expect(harvested.statusCode).toBe(422);
    expect(harvested.json().error).toMatchObject({ code: 'refused' });
    expect(
      (await h.call('POST', '/api/v1/clients/globex/reinstate', 'agent', { note: 'x', consent })).statusCode,
    ).toBe(403);
    const ok = await h.call('POST', '/api/v1/clients/globex/reinstate', 'admin', {
      note: 'list cleaned',
      consent,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('active');
    const audit = h.db
      .prepare("SELECT action, detail FROM audit_log WHERE target = 'globex' ORDER BY id")
      .all() as Array<{ action: string; detail: string }>;
    expect(audit.map((a) => a.action)).toEqual(['client.suspend', 'client.reinstate']);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({
      from: 'active',
      to: 'suspended',
      note: 'complaint rate 1.2 %',
    });
    expect(JSON.parse(audit[1]!.detail)).toMatchObject({
      from: 'suspended',
      to: 'active',
      note: 'list cleaned',
      consent,
    });
    const history = (await h.call('GET', '/api/v1/clients/globex/history', 'viewer')).json().items;
    expect(
      history.map((x: { from: string; to: string; actor: string }) => `${x.from}→${x.to} by ${x.actor}`),
    ).toEqual(['suspended→active by token:test-admin', 'active→suspended by token:test-admin']);
    expect(history[0]).toMatchObject({ mode: 'applied', note: 'list cleaned', consent });
    const detail = (await h.call('GET', '/api/v1/clients/globex', 'viewer')).json();
    expect(detail.history).toHaveLength(2);
    expect(typeof detail.score).toBe('number');
    expect(detail.enforcement.score.factors.length).toBe(6);
  });

  it('keeps a managed spam-trap list (agents read, admins change; config entries are protected)', async () => {
    expect((await h.call('POST', '/api/v1/traps', 'admin', { address: 'not a trap' })).statusCode).toBe(400);
    expect((await h.call('POST', '/api/v1/traps', 'agent', { address: 'trap@x.example' })).statusCode).toBe(
      403,
    );
    expect(
      (await h.call('POST', '/api/v1/traps', 'admin', { address: 'Trap@X.example', note: 'seeded' }))
        .statusCode,
    ).toBe(201);
    expect((await h.call('POST', '/api/v1/traps', 'admin', { address: '@traps.example' })).statusCode).toBe(
      201,
    );
    expect((await h.call('POST', '/api/v1/traps', 'admin', { address: 'trap@x.example' })).statusCode).toBe(
      200,
    );
    expect((await h.call('GET', '/api/v1/traps', 'viewer')).statusCode).toBe(403);
    const list = (await h.call('GET', '/api/v1/traps', 'agent')).json().items;
    expect(list.map((t: { address: string; source: string }) => `${t.address}:${t.source}`)).toEqual([
      '@traps.example:staff',
      'trap@x.example:staff',
    ]);
    expect((await h.call('DELETE', '/api/v1/traps/trap@x.example', 'admin')).statusCode).toBe(200);
    expect((await h.call('DELETE', '/api/v1/traps/trap@x.example', 'admin')).statusCode).toBe(404);
  });

  it('upserts clients and campaigns with sent/delivered counts', async () => {
    const c = await h.call('PUT', '/api/v1/clients/hooli', 'admin', {
      name: 'Hooli',
      domains: ['Mail.Hooli.example'],
    });
    expect(c.statusCode).toBe(200);
    expect(c.json()).toMatchObject({ slug: 'hooli', name: 'Hooli', status: 'active' });
    const k = await h.call('PUT', '/api/v1/campaigns/hooli-launch', 'admin', {
      client: 'hooli',
      sent: 1000,
      delivered: 980,
    });
    expect(k.json()).toMatchObject({ slug: 'hooli-launch', client: 'hooli', sent: 1000, delivered: 980 });
    expect(
      (
        await h.call('PUT', '/api/v1/campaigns/hooli-launch', 'admin', {
          client: 'hooli',
          sent: 2000,
          delivered: 1990,
        })
      ).json().sent,
    ).toBe(2000);
    expect((await h.call('GET', '/api/v1/clients/hooli', 'viewer')).json()).toMatchObject({
      domains: ['mail.hooli.example'],
      sent: 2000,
      delivered: 1990,
      complaintRate: 0,
    });
    const other = await h.call('PUT', '/api/v1/campaigns/hooli-launch', 'admin', {
      client: 'acme',
      sent: 1,
      delivered: 1,
    });
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
    expect((await h.call('POST', '/api/v1/sends', 'admin', rows.slice(0, 5))).json()).toMatchObject({
      received: 5,
      stored: 5,
      errors: [],
    });
    expect((h.db.prepare('SELECT count(*) AS n FROM sends').get() as { n: number }).n).toBe(4997);
    expect((await h.call('POST', '/api/v1/sends', 'admin', [])).statusCode).toBe(400);
    expect((await h.call('POST', '/api/v1/sends', 'agent', rows.slice(0, 1))).statusCode).toBe(403);
  });
});
