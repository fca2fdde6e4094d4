import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../../src/web/ui/security-headers.ts';
import { startUiApp, textOf, type UiApp as App } from './admin-ui-app.ts';

const PAGES = [
  '/ui/admin',
  '/ui/admin/audit',
  '/ui/admin/intake',
  '/ui/admin/users',
  '/ui/admin/tokens',
  '/ui/admin/clients',
  '/ui/admin/clients/new',
  '/ui/admin/clients/acme/edit',
  '/ui/admin/webhooks',
];
const FORMS: Array<[string, Record<string, string>]> = [
  ['/ui/admin/users', { email: 'new@esp.example', role: 'admin', password: 'a long password 1' }],
  ['/ui/admin/users/agent@esp.example/disable', { reason: 'left', confirm: 'yes' }],
  ['/ui/admin/users/agent@esp.example/reset', { reason: 'forgot', confirm: 'yes' }],
  ['/ui/admin/tokens', { name: 'platform', role: 'admin' }],
  ['/ui/admin/clients', { slug: 'hooli', name: 'Hooli', language: 'en', domains: '', contactEmail: '' }],
  ['/ui/admin/clients/acme/edit', { name: 'Acme', language: 'en', domains: '', contactEmail: '' }],
  ['/ui/admin/webhooks/acme', { url: 'https://hooks.example/x' }],
];

describe('admin area: who may see it', () => {
  let t: App;
  beforeEach(async () => {
    t = await startUiApp();
  });
  afterEach(() => t.close());

  it('serves every admin page to admins, with the Admin navigation and the strict headers', async () => {
    const admin = await t.login('admin');
    for (const url of PAGES) {
      const r = await t.get(admin, url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-security-policy'], url).toBe(PAGE_CSP);
      expect(r.body, url).toContain('<a href="/ui/admin" aria-current="page">Admin</a>');
      expect(r.body, url).toContain('<nav class="admin-nav" aria-label="Admin">');
    }
  });

  it('answers agents and viewers with a 403 page, hides the Admin link and changes nothing on POST', async () => {
    for (const role of ['agent', 'viewer'] as const) {
      const s = await t.login(role);
      const inbox = await t.get(s, '/ui/');
      expect(inbox.body).not.toContain('href="/ui/admin"');
      for (const url of PAGES) {
        const r = await t.get(s, url);
        expect(r.statusCode, `${role} ${url}`).toBe(403);
        expect(r.headers['content-type']).toMatch(/text\/html/);
        expect(textOf(r.body)).toContain('This needs the admin role.');
      }
      for (const [url, fields] of FORMS) {
        const r = await t.post(s, url, { _csrf: s.csrf, ...fields });
        expect(r.statusCode, `${role} POST ${url}`).toBe(403);
      }
    }
    expect(
      t.db.prepare("SELECT count(*) AS n FROM staff_users WHERE email = 'new@esp.example'").get(),
    ).toEqual({ n: 0 });
    expect(t.db.prepare('SELECT count(*) AS n FROM api_tokens').get()).toEqual({ n: 0 });
    expect(t.db.prepare("SELECT count(*) AS n FROM clients WHERE slug = 'hooli'").get()).toEqual({ n: 0 });
    expect(
      t.db.prepare("SELECT disabled_at FROM staff_users WHERE email = 'agent@esp.example'").get(),
    ).toEqual({
      disabled_at: null,
    });
  });

  it('refuses every admin form without the session CSRF token', async () => {
    const admin = await t.login('admin');
    for (const [url, fields] of FORMS) {
      const missing = await t.post(admin, url, fields);
      expect(missing.statusCode, url).toBe(403);
      expect(textOf(missing.body)).toContain('CSRF check failed');
      const wrong = await t.post(admin, url, { ...fields, _csrf: 'x'.repeat(admin.csrf.length) });
      expect(wrong.statusCode, url).toBe(403);
    }
    expect(t.db.prepare('SELECT count(*) AS n FROM api_tokens').get()).toEqual({ n: 0 });
    expect(
      t.db
        .prepare("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'client.%' OR action LIKE 'token.%'")
        .get(),
    ).toEqual({ n: 0 });
  });

  it('shows a styled 404 page for unknown /ui/ paths to staff, and sends strangers to the login page', async () => {
    const viewer = await t.login('viewer');
    for (const url of ['/ui/no-such-page', '/ui/admin/nope', '/ui/tickets/AD-1/nothing/here']) {
      const r = await t.get(viewer, url);
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.headers['content-security-policy']).toBe(PAGE_CSP);
      expect(r.body).toContain('<title>Page not found · abusedesk</title>');
      expect(r.body).toContain('<link rel="stylesheet" href="/ui/app.css">');
      expect(r.body).toContain('viewer@esp.example');
      expect(r.body).not.toContain(url); // the path is not echoed back
    }
    // Not logged in: the same answer as for a real page, so a stranger cannot probe which pages exist.
    for (const url of ['/ui/no-such-page', '/ui/admin/users']) {
      const r = await t.get(null, url);
      expect(r.statusCode, url).toBe(303);
      expect(r.headers.location).toBe(`/ui/login?next=${encodeURIComponent(url)}`);
    }
    const post = await t.post(null, '/ui/no-such-page', {});
    expect(post.statusCode).toBe(401);
    // Outside /ui the server's own 404 stays.
    const other = await t.get(viewer, '/elsewhere');
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('Page not found · abusedesk');
  });
});
