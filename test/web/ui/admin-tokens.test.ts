import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken, verifyApiToken } from '../../../src/auth/api-tokens.ts';
import { apiLookups } from '../../../src/web/api/api-lookups.ts';
import { listAudit } from '../../../src/store/audit-store.ts';
import { startUiApp, textOf, type UiApp as App } from './admin-ui-app.ts';

describe('admin: API tokens page', () => {
  let t: App;
  beforeEach(async () => {
    t = await startUiApp();
  });
  afterEach(() => t.close());

  it('creates a token with a role and label, shows its secret once, and revokes it with a confirmed reason', async () => {
    const admin = await t.login('admin');
    const r = await t.post(admin, '/ui/admin/tokens', { _csrf: admin.csrf, name: 'platform', role: 'agent' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const secret = /<code class="secret">(adk_[^<]+)<\/code>/.exec(r.body)![1]!;
    const token = verifyApiToken(t.db, secret, new Date());
    expect(token).toMatchObject({ name: 'platform', role: 'agent' });
    expect(textOf(r.body)).toContain(`Token ${token!.id} “platform” (agent) created`);
    const list = await t.get(admin, '/ui/admin/tokens');
    expect(list.body).not.toContain(secret);
    expect(textOf(list.body)).toMatch(new RegExp(`${token!.id} platform agent ${secret.slice(0, 12)}… live`));
    expect(listAudit(t.db, { action: 'token.create' })[0]).toMatchObject({
      actor: 'user:admin@esp.example',
      target: `token:${token!.id}`,
      detail: { name: 'platform', role: 'agent' },
    });

    const unconfirmed = await t.post(admin, `/ui/admin/tokens/${token!.id}/revoke`, {
      _csrf: admin.csrf,
      reason: 'leaked',
    });
    expect(unconfirmed.statusCode).toBe(400);
    expect(textOf(unconfirmed.body)).toContain('Tick the confirmation box to go ahead.');
    expect(unconfirmed.body).toContain('value="leaked"');
    expect(verifyApiToken(t.db, secret, new Date())).not.toBeNull();

    const revoke = await t.post(admin, `/ui/admin/tokens/${token!.id}/revoke`, {
      _csrf: admin.csrf,
      reason: 'leaked',
      confirm: 'yes',
    });
    expect(revoke.statusCode).toBe(303);
    expect(verifyApiToken(t.db, secret, new Date())).toBeNull();
    const page = await t.get(admin, revoke.headers.location as string);
    expect(textOf(page.body)).toContain(`Token ${token!.id} revoked; it stopped working at once.`);
    expect(textOf(page.body)).toMatch(/platform agent \S+ revoked/);
    expect(listAudit(t.db, { action: 'token.revoke' })[0]).toMatchObject({ detail: { reason: 'leaked' } });
    const again = await t.post(admin, `/ui/admin/tokens/${token!.id}/revoke`, {
      _csrf: admin.csrf,
      reason: 'x',
      confirm: 'yes',
    });
    expect(again.statusCode).toBe(404);
  });

  it('a token revoked on the page stops at once for the API of the same node, however long it remembers tokens', async () => {
    await t.close();
    const lookups = apiLookups(600_000);
    t = await startUiApp({ lookups });
    const { secret } = createApiToken(t.db, { name: 'platform', role: 'viewer', now: new Date() });
    const token = verifyApiToken(t.db, secret, new Date(), lookups.tokens);
    // Remembered: the API of this node would not read the row again for ten minutes.
    expect(token).not.toBeNull();
    const admin = await t.login('admin');
    const revoke = await t.post(admin, `/ui/admin/tokens/${token!.id}/revoke`, {
      _csrf: admin.csrf,
      reason: 'leaked',
      confirm: 'yes',
    });
    expect(revoke.statusCode).toBe(303);
    expect(verifyApiToken(t.db, secret, new Date(), lookups.tokens)).toBeNull();
  });

  it('keeps the typed label and role when a token is refused', async () => {
    const admin = await t.login('admin');
    const r = await t.post(admin, '/ui/admin/tokens', { _csrf: admin.csrf, name: '  ', role: 'admin' });
    expect(r.statusCode).toBe(422);
    expect(textOf(r.body)).toContain('Give the token a label');
    expect(r.body).toContain('<option value="admin" selected>admin</option>');
    const role = await t.post(admin, '/ui/admin/tokens', { _csrf: admin.csrf, name: 'bot', role: 'root' });
    expect(role.statusCode).toBe(422);
    expect(role.body).toContain('value="bot"');
    expect(t.db.prepare('SELECT count(*) AS n FROM api_tokens').get()).toEqual({ n: 0 });
  });
});
