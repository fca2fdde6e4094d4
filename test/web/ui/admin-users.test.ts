import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/store/audit-store.ts';
import { startUiApp, textOf, type UiApp as App } from './admin-ui-app.ts';
import { loginInject } from './ui-session.ts';

describe('admin: users page', () => {
  let t: App;
  beforeEach(async () => {
    t = await startUiApp();
  });
  afterEach(() => t.close());

  it('adds an account with a role; a generated password is shown once and works for login', async () => {
    const admin = await t.login('admin');
    const r = await t.post(admin, '/ui/admin/users', {
      _csrf: admin.csrf,
      email: 'Nia@ESP.example',
      name: 'Nia',
      role: 'agent',
      password: '',
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const password = /<code class="secret">([^<]+)<\/code>/.exec(r.body)![1]!;
    expect(textOf(r.body)).toContain('Account nia@esp.example created');
    expect((await loginInject(t.app, 'nia@esp.example', password)).status).toBe(303);
    const list = await t.get(admin, '/ui/admin/users');
    expect(list.body).not.toContain(password);
    expect(textOf(list.body)).toMatch(/nia@esp\.example Nia agent enabled/);
    expect(listAudit(t.db, { action: 'staff.add' })[0]).toMatchObject({
      actor: 'user:admin@esp.example',
      target: 'nia@esp.example',
      detail: { role: 'agent' },
    });
  });

  it('keeps the typed values and says what is wrong when an account is refused', async () => {
    const admin = await t.login('admin');
    const taken = await t.post(admin, '/ui/admin/users', {
      _csrf: admin.csrf,
      email: 'agent@esp.example',
      name: 'Again',
      role: 'viewer',
      password: '',
    });
    expect(taken.statusCode).toBe(409);
    expect(textOf(taken.body)).toContain('Not added: a staff account agent@esp.example already exists.');
    expect(taken.body).toContain('name="email" required maxlength="254" value="agent@esp.example"');
    expect(taken.body).toContain('value="Again"');
    expect(taken.body).toContain('<option value="viewer" selected>viewer</option>');
    const short = await t.post(admin, '/ui/admin/users', {
      _csrf: admin.csrf,
      email: 'kim@esp.example',
      name: '',
      role: 'admin',
      password: 'short',
    });
    expect(short.statusCode).toBe(422);
    expect(textOf(short.body)).toContain('password must be at least 10 characters');
    expect(short.body).toContain('value="kim@esp.example"');
    expect(short.body).not.toContain('value="short"'); // passwords are never echoed
    const bad = await t.post(admin, '/ui/admin/users', {
      _csrf: admin.csrf,
      email: 'not-an-email',
      name: '',
      role: 'agent',
      password: '',
    });
    expect(bad.statusCode).toBe(422);
    expect(textOf(bad.body)).toContain('not an email address');
    expect(t.db.prepare('SELECT count(*) AS n FROM staff_users').get()).toEqual({ n: 3 });
  });

  it('disables an account with a confirmed reason: its session ends at once and it cannot log in; enabling restores it', async () => {
    const admin = await t.login('admin');
    const agent = await t.login('agent');
    expect((await t.get(agent, '/ui/')).statusCode).toBe(200);
    const unconfirmed = await t.post(admin, '/ui/admin/users/agent@esp.example/disable', {
      _csrf: admin.csrf,
      reason: 'left the team',
    });
    expect(unconfirmed.statusCode).toBe(400);
    expect(textOf(unconfirmed.body)).toContain('Tick the confirmation box to go ahead.');
    expect(unconfirmed.body).toContain('value="left the team"');
    expect((await t.get(agent, '/ui/')).statusCode).toBe(200);

    const r = await t.post(admin, '/ui/admin/users/agent@esp.example/disable', {
      _csrf: admin.csrf,
      reason: 'left the team',
      confirm: 'yes',
    });
    expect(r.statusCode).toBe(303);
    const page = await t.get(admin, r.headers.location as string);
    expect(textOf(page.body)).toContain('Account disabled; 1 session(s) ended.');
    expect(textOf(page.body)).toMatch(/agent@esp\.example agent agent disabled/);
    const after = await t.get(agent, '/ui/');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/ui\/login/);
    expect((await loginInject(t.app, 'agent@esp.example', 'agent password 1')).status).toBe(401);
    expect(listAudit(t.db, { action: 'staff.disable' })[0]).toMatchObject({
      actor: 'user:admin@esp.example',
      target: 'agent@esp.example',
      detail: { reason: 'left the team', sessionsEnded: 1 },
    });

    const enable = await t.post(admin, '/ui/admin/users/agent@esp.example/enable', { _csrf: admin.csrf });
    expect(enable.statusCode).toBe(303);
    expect((await loginInject(t.app, 'agent@esp.example', 'agent password 1')).status).toBe(303);
    expect(listAudit(t.db, { action: 'staff.enable' })).toHaveLength(1);
  });

  it('resets a password: the new one is shown once, the old one and its sessions stop working', async () => {
    const admin = await t.login('admin');
    const viewer = await t.login('viewer');
    const r = await t.post(admin, '/ui/admin/users/viewer@esp.example/reset', {
      _csrf: admin.csrf,
      reason: 'forgot it',
      confirm: 'yes',
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(textOf(r.body)).toContain('Password of viewer@esp.example reset');
    const password = /<code class="secret">([^<]+)<\/code>/.exec(r.body)![1]!;
    expect((await t.get(viewer, '/ui/')).statusCode).toBe(303);
    expect((await loginInject(t.app, 'viewer@esp.example', 'viewer password 1')).status).toBe(401);
    expect((await loginInject(t.app, 'viewer@esp.example', password)).status).toBe(303);
    const entry = listAudit(t.db, { action: 'staff.reset' })[0]!;
    expect(entry).toMatchObject({
      target: 'viewer@esp.example',
      detail: { reason: 'forgot it', generated: true },
    });
    expect(JSON.stringify(entry)).not.toContain(password);
  });

  it('refuses to act on the admin’s own account and on unknown accounts', async () => {
    const admin = await t.login('admin');
    const self = await t.post(admin, '/ui/admin/users/admin@esp.example/disable', {
      _csrf: admin.csrf,
      reason: 'x',
      confirm: 'yes',
    });
    expect(self.statusCode).toBe(409);
    const unknown = await t.post(admin, '/ui/admin/users/ghost@esp.example/reset', {
      _csrf: admin.csrf,
      reason: 'x',
      confirm: 'yes',
    });
    expect(unknown.statusCode).toBe(404);
    expect((await t.get(admin, '/ui/')).statusCode).toBe(200);
  });
});
