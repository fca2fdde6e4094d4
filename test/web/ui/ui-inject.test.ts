import Fastify, { type FastifyInstance } from 'fastify';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/open-database.ts';
import { createStaffUser } from '../../../src/auth/staff-users.ts';
import { ensureDemoStaff } from '../../../src/auth/staff-demo.ts';
import { createTicket, getTicket } from '../../../src/store/tickets-store.ts';
import { loadDemoIfEmpty } from '../../../src/clients/load-demo.ts';
import { listAudit } from '../../../src/store/audit-store.ts';
import { uiPlugin } from '../../../src/web/ui/ui-plugin.ts';
import { PAGE_CSP } from '../../../src/web/ui/security-headers.ts';
import { tempDataDir, testConfig } from '../../helpers/test-service.ts';
import { cookieHeader, cookiesFrom, csrfOf, loginInject } from './ui-session.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (o: Record<string, string>) => ({ payload: new URLSearchParams(o).toString() });

describe('staff web UI (fastify inject)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let db: Database;
  let app: FastifyInstance;
  beforeEach(async () => {
    tmp = tempDataDir();
    db = openDatabase(testConfig(tmp.dir));
    createStaffUser(db, {
      email: 'agent@esp.example',
      role: 'agent',
      password: 'correct horse battery',
      now: new Date(),
    });
    createStaffUser(db, {
      email: 'viewer@esp.example',
      role: 'viewer',
      password: 'viewer password 1',
      now: new Date(),
    });
    app = Fastify();
    await app.register(uiPlugin, { db });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    db.close();
    tmp.cleanup();
  });

  it('sends strangers to the login page, and logs in with an HttpOnly SameSite=Strict session cookie', async () => {
    const r = await app.inject({ method: 'GET', url: '/ui/tickets/AD-XXXXXX' });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/ui/login?next=%2Fui%2Ftickets%2FAD-XXXXXX');
    // The browser's icon request is answered without a login redirect or a 404.
    expect((await app.inject({ method: 'GET', url: '/favicon.ico' })).statusCode).toBe(204);
    const page = await app.inject({ method: 'GET', url: '/ui/login' });
    const jar = cookiesFrom(page.headers['set-cookie']);
    const ok = await app.inject({
      method: 'POST',
      url: '/ui/login',
      headers: { cookie: cookieHeader(jar), ...FORM },
      ...form({
        _csrf: csrfOf(page.body),
        email: 'Agent@ESP.example',
        password: 'correct horse battery',
        next: '/ui/clients',
      }),
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/ui/clients');
    const set = [ok.headers['set-cookie']].flat().find((c) => c!.startsWith('ad_session='))!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).not.toMatch(/Secure/);
    expect(listAudit(db, { action: 'staff.login' })).toHaveLength(1);
    // Behind a TLS-terminating proxy the cookie is Secure.
    const tls = await app.inject({
      method: 'POST',
      url: '/ui/login',
      headers: { cookie: cookieHeader(jar), 'x-forwarded-proto': 'https', ...FORM },
      ...form({ _csrf: csrfOf(page.body), email: 'agent@esp.example', password: 'correct horse battery' }),
    });
    expect([tls.headers['set-cookie']].flat().find((c) => c!.startsWith('ad_session='))).toMatch(/; Secure/);
  });

  it('refuses an open redirect after login', async () => {
    const page = await app.inject({ method: 'GET', url: '/ui/login' });
    const jar = cookiesFrom(page.headers['set-cookie']);
    for (const next of ['//evil.example/', 'https://evil.example/', '/ui/\\evil']) {
      const r = await app.inject({
        method: 'POST',
        url: '/ui/login',
        headers: { cookie: cookieHeader(jar), ...FORM },
        ...form({
          _csrf: csrfOf(page.body),
          email: 'agent@esp.example',
          password: 'correct horse battery',
          next,
        }),
      });
      expect(r.headers.location).toBe('/ui/');
    }
  });

  it('wrong password: 401; after 5 failures per IP and email: 429 even with the right password, other IPs unaffected', async () => {
    for (let i = 0; i < 5; i++)
      expect((await loginInject(app, 'agent@esp.example', 'wrong password!', '10.0.0.1')).status).toBe(401);
    expect((await loginInject(app, 'agent@esp.example', 'correct horse battery', '10.0.0.1')).status).toBe(
      429,
    );
    expect((await loginInject(app, 'agent@esp.example', 'correct horse battery', '10.0.0.2')).status).toBe(
      303,
    );
    expect((await loginInject(app, 'nobody@esp.example', 'whatever password')).status).toBe(401);
  });

  it('limits password spraying per IP across accounts, guessing per account across IPs, and remembers both across a restart', async () => {
    // One password tried against many accounts from one IP: the IP is refused after 20 failures.
    for (let i = 0; i < 20; i++)
      expect((await loginInject(app, `user${i}@esp.example`, 'Summer2026!', '10.0.1.1')).status).toBe(401);
    expect((await loginInject(app, 'user99@esp.example', 'Summer2026!', '10.0.1.1')).status).toBe(429);
    // …even for a real account with its right password, while other IPs are unaffected.
    expect((await loginInject(app, 'agent@esp.example', 'correct horse battery', '10.0.1.1')).status).toBe(
      429,
    );
    expect((await loginInject(app, 'agent@esp.example', 'correct horse battery', '10.0.1.2')).status).toBe(
      303,
    );
    // One account guessed from many IPs: the account is refused after 10 failures, from any IP.
    for (let i = 0; i < 10; i++)
      expect((await loginInject(app, 'viewer@esp.example', `guess ${i}`, `10.0.2.${i}`)).status).toBe(401);
    expect((await loginInject(app, 'viewer@esp.example', 'viewer password 1', '10.0.3.1')).status).toBe(429);
    // The counts live in the database: a restarted UI (a new plugin, a new limiter) still refuses.
    await app.close();
    app = Fastify();
    await app.register(uiPlugin, { db });
    await app.ready();
    expect((await loginInject(app, 'user98@esp.example', 'Summer2026!', '10.0.1.1')).status).toBe(429);
    expect((await loginInject(app, 'viewer@esp.example', 'viewer password 1', '10.0.3.2')).status).toBe(429);
    // Windows end: 15 minutes later both may try again.
    const later = new Date(Date.now() + 16 * 60_000);
    await app.close();
    app = Fastify();
    await app.register(uiPlugin, { db, now: () => later });
    await app.ready();
    expect((await loginInject(app, 'viewer@esp.example', 'viewer password 1', '10.0.1.1')).status).toBe(303);
  });

  it('refuses POSTs without the right CSRF token (403), including the login form', async () => {
    const id = createTicket(db, { type: 'other', subject: 'hello', now: new Date() });
    const { cookie, csrf } = await loginInject(app, 'agent@esp.example', 'correct horse battery');
    for (const token of ['', 'x'.repeat(csrf.length), 'short']) {
      const r = await app.inject({
        method: 'POST',
        url: `/ui/tickets/${id}/status`,
        headers: { cookie, ...FORM },
        ...form({ _csrf: token, status: 'resolved' }),
      });
      expect(r.statusCode).toBe(403);
    }
    expect(getTicket(db, id)!.status).toBe('open');
    const ok = await app.inject({
      method: 'POST',
      url: `/ui/tickets/${id}/status`,
      headers: { cookie, ...FORM },
      ...form({ _csrf: csrf, status: 'resolved' }),
    });
    expect(ok.statusCode).toBe(303);
    expect(getTicket(db, id)!.status).toBe('resolved');
    expect(listAudit(db, { action: 'ticket.status' })[0]).toMatchObject({
      actor: 'user:agent@esp.example',
      target: id,
    });
    const login = await app.inject({
      method: 'POST',
      url: '/ui/login',
      headers: FORM,
      ...form({ _csrf: 'forged', email: 'agent@esp.example', password: 'correct horse battery' }),
    });
    expect(login.statusCode).toBe(403);
  });

  it('viewers read but cannot act; logout ends the session', async () => {
    const id = createTicket(db, { type: 'other', subject: 'hello', now: new Date() });
    const { cookie, csrf } = await loginInject(app, 'viewer@esp.example', 'viewer password 1');
    const page = await app.inject({ method: 'GET', url: `/ui/tickets/${id}`, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('/status"');
    const r = await app.inject({
      method: 'POST',
      url: `/ui/tickets/${id}/status`,
      headers: { cookie, ...FORM },
      ...form({ _csrf: csrf, status: 'resolved' }),
    });
    expect(r.statusCode).toBe(403);
    await app.inject({
      method: 'POST',
      url: '/ui/logout',
      headers: { cookie, ...FORM },
      ...form({ _csrf: csrf }),
    });
    expect((await app.inject({ method: 'GET', url: '/ui/', headers: { cookie } })).statusCode).toBe(303);
  });

  it('every page has the strict CSP, nosniff and no-referrer, no inline script, and escapes message-derived text', async () => {
    const hostile = `<script>window.__pwned=1</script><img src=x onerror=alert(1)>"'\``;
    const id = createTicket(db, {
      type: 'complaint',
      subject: hostile,
      reporter: '"><svg onload=alert(1)>@evil.example',
      now: new Date(),
    });
    const { cookie } = await loginInject(app, 'agent@esp.example', 'correct horse battery');
    for (const url of [
      '/ui/',
      `/ui/tickets/${id}`,
      `/ui/?q=${encodeURIComponent(hostile)}`,
      '/ui/clients',
      '/ui/clients/acme',
      '/ui/suppressions',
      '/ui/quarantine',
      '/ui/login',
    ]) {
      const r = await app.inject({ method: 'GET', url, headers: { cookie } });
      expect(r.statusCode, url).toBeLessThan(500);
      expect(r.headers['content-security-policy'], url).toBe(PAGE_CSP);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      // The only script is the page script file (CSP script-src 'self'); nothing inline, nothing from the message.
      expect(r.body.replace('<script src="/ui/app.js" defer></script>', '')).not.toMatch(
        /<script|<img|<svg/i,
      );
    }
    const page = await app.inject({ method: 'GET', url: `/ui/tickets/${id}`, headers: { cookie } });
    expect(page.body).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(page.body).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;@evil.example');
  });

  it('the demo creates one admin login on an empty database, once', () => {
    const fresh = tempDataDir();
    const db2 = openDatabase(testConfig(fresh.dir));
    const first = ensureDemoStaff(db2, new Date());
    expect(first).toMatchObject({ email: 'staff@esp.example' });
    expect(first!.password.length).toBeGreaterThanOrEqual(20);
    expect(ensureDemoStaff(db2, new Date())).toBeNull();
    db2.close();
    fresh.cleanup();
  });

  it('filters the inbox by campaign and by creation date', async () => {
    loadDemoIfEmpty(db, new Date('2026-11-01T00:00:00Z'));
    const spring = createTicket(db, {
      type: 'incident',
      subject: 'spring incident',
      clientId: 1,
      campaignId: 1,
      now: new Date('2026-11-10T12:00:00Z'),
    });
    const weekly = createTicket(db, {
      type: 'incident',
      subject: 'weekly incident',
      clientId: 1,
      campaignId: 2,
      now: new Date('2026-11-20T12:00:00Z'),
    });
    const { cookie } = await loginInject(app, 'agent@esp.example', 'correct horse battery');
    const get = async (q: string) =>
      (await app.inject({ method: 'GET', url: `/ui/?status=all&${q}`, headers: { cookie } })).body;
    const byCampaign = await get('campaign=acme-spring-sale');
    expect(byCampaign).toContain(spring);
    expect(byCampaign).not.toContain(weekly);
    const byDate = await get('from=2026-11-15&to=2026-11-20');
    expect(byDate).toContain(weekly); // `to` includes that whole day
    expect(byDate).not.toContain(spring);
    expect(await get('from=not-a-date')).toContain(spring); // a malformed bound is ignored, not an error
  });
});
