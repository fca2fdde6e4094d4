import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken, verifyApiToken } from '../../../src/auth/api-tokens.ts';
import { apiRoutes } from '../../../src/web/api/api-routes.ts';
import { apiHarness } from './api-harness.ts';

type Harness = Awaited<ReturnType<typeof apiHarness>>;

describe('API authentication, roles and errors', () => {
  let h: Harness;
  beforeAll(async () => {
    // Tokens are verified on every request here (a revocation through the store is seen at once).
    h = await apiHarness({ http: { lookupCacheMs: 0 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('401 with a Bearer challenge and a JSON body without a token', async () => {
    const r = await h.call('GET', '/api/v1/tickets', null);
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(r.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('401 for an unknown, malformed or non-Bearer token', async () => {
    for (const authorization of [
      'Bearer adk_notarealtokennotarealtoken',
      'Bearer',
      'Basic dXNlcjpwYXNz',
      `Bearer ${h.tokens.viewer}x`,
    ]) {
      const r = await h.app.inject({ method: 'GET', url: '/api/v1/tickets', headers: { authorization } });
      expect(r.statusCode, authorization).toBe(401);
      expect(r.headers['www-authenticate']).toContain('Bearer');
      expect(r.json().error.code).toBe('unauthorized');
    }
  });

  it('401 for a revoked token; last_used_at is recorded on use', async () => {
    const { token, secret } = createApiToken(h.db, { name: 'temp', role: 'admin', now: new Date() });
    const ok = await h.app.inject({
      method: 'GET',
      url: '/api/v1/tickets',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(h.db.prepare('SELECT last_used_at FROM api_tokens WHERE id = ?').get(token.id)).toEqual({
      last_used_at: expect.any(String),
    });
    revokeApiToken(h.db, token.id, new Date());
    const r = await h.app.inject({
      method: 'GET',
      url: '/api/v1/tickets',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('stores only a hash of the secret', () => {
    const { secret } = createApiToken(h.db, { name: 'hash-check', role: 'viewer', now: new Date() });
    expect(secret).toMatch(/^adk_[A-Za-z0-9_-]{40}$/);
    const row = h.db.prepare("SELECT * FROM api_tokens WHERE name = 'hash-check'").get() as Record<
      string,
      unknown
    >;
    expect(Object.values(row)).not.toContain(secret);
    expect(verifyApiToken(h.db, secret, new Date())?.name).toBe('hash-check');
  });

  it('403 when the role is too low: viewer cannot change a ticket, agent cannot manage tokens or clients', async () => {
    const patch = await h.call('PATCH', '/api/v1/tickets/AD-XXXXXX', 'viewer', { status: 'resolved' });
    expect(patch.statusCode).toBe(403);
    expect(patch.json()).toEqual({ error: { code: 'forbidden', message: expect.stringContaining('agent') } });
    expect((await h.call('GET', '/api/v1/tokens', 'agent')).statusCode).toBe(403);
    expect((await h.call('POST', '/api/v1/tokens', 'agent', { name: 'x', role: 'admin' })).statusCode).toBe(
      403,
    );
    expect((await h.call('POST', '/api/v1/clients/acme/suspend', 'agent', { note: 'x' })).statusCode).toBe(
      403,
    );
    expect(
      (await h.call('POST', '/api/v1/suppressions', 'viewer', { address: 'a@example.net' })).statusCode,
    ).toBe(403);
    expect((await h.call('GET', '/api/v1/messages/Q1/raw', 'viewer')).statusCode).toBe(403);
  });

  it('admin creates, lists and revokes tokens over the API; each is audited', async () => {
    const created = await h.call('POST', '/api/v1/tokens', 'admin', { name: 'platform', role: 'agent' });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ name: 'platform', role: 'agent', secret: expect.stringMatching(/^adk_/) });
    expect(
      (
        await h.app.inject({
          method: 'GET',
          url: '/api/v1/suppressions',
          headers: { authorization: `Bearer ${body.secret}` },
        })
      ).statusCode,
    ).toBe(200);
    const list = (await h.call('GET', '/api/v1/tokens', 'admin')).json();
    expect(list.items.find((t: { id: number }) => t.id === body.id)).not.toHaveProperty('secret');
    expect(JSON.stringify(list)).not.toContain(body.secret);
    expect((await h.call('DELETE', `/api/v1/tokens/${body.id}`, 'admin')).statusCode).toBe(200);
    expect((await h.call('DELETE', `/api/v1/tokens/${body.id}`, 'admin')).statusCode).toBe(404);
    expect(
      (
        await h.app.inject({
          method: 'GET',
          url: '/api/v1/suppressions',
          headers: { authorization: `Bearer ${body.secret}` },
        })
      ).statusCode,
    ).toBe(401);
    const audit = (await h.call('GET', '/api/v1/audit?action=token.create', 'admin')).json();
    expect(audit.items[0]).toMatchObject({
      actor: 'token:test-admin',
      action: 'token.create',
      target: `token:${body.id}`,
      detail: { name: 'platform', role: 'agent' },
    });
  });

  it('400 invalid_input with details for bad input; JSON 404 for an unknown route; 400 for bad JSON', async () => {
    const r = await h.call('POST', '/api/v1/tokens', 'admin', { name: '', role: 'root' });
    expect(r.statusCode).toBe(400);
    const e = r.json().error;
    expect(e.code).toBe('invalid_input');
    expect(e.details.map((d: { path: string }) => d.path).sort()).toEqual(['name', 'role']);
    const nf = await h.call('GET', '/api/v1/nothing-here', 'viewer');
    expect(nf.statusCode).toBe(404);
    expect(nf.json().error.code).toBe('not_found');
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/v1/suppressions',
      headers: { authorization: `Bearer ${h.tokens.agent}`, 'content-type': 'application/json' },
      payload: '{nope',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_input');
    const cursor = await h.call('GET', '/api/v1/tickets?cursor=garbage', 'viewer');
    expect(cursor.statusCode).toBe(400);
  });

  it('serves an OpenAPI 3.1 document listing every route with its role', async () => {
    const r = await h.call('GET', '/api/v1/openapi.json', 'viewer');
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const route of apiRoutes()) {
      const op = doc.paths[`/api/v1${route.path.replace(/:(\w+)/g, '{$1}')}`]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op['x-role']).toBe(route.role);
    }
    expect(doc.paths['/api/v1/tickets'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'client', 'cursor', 'limit', 'q']),
    );
    expect(
      doc.paths['/api/v1/tickets/{id}'].patch.requestBody.content['application/json'].schema.properties.status
        .enum,
    ).toEqual(['open', 'pending', 'resolved']);
  });
});
