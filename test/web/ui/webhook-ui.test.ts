import Fastify, { type FastifyInstance } from 'fastify';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/store/audit-store.ts';
import { createStaffUser } from '../../../src/auth/staff-users.ts';
import { loadDemoIfEmpty } from '../../../src/clients/load-demo.ts';
import { openDatabase } from '../../../src/db/open-database.ts';
import { fblReport } from '../../../src/demo/report-builders.ts';
import { createTicket } from '../../../src/store/tickets-store.ts';
import { emitWebhook } from '../../../src/webhooks/emit-webhook.ts';
import { listWebhookDeliveries } from '../../../src/store/webhooks-store.ts';
import { PAGE_CSP } from '../../../src/web/ui/security-headers.ts';
import { uiPlugin } from '../../../src/web/ui/ui-plugin.ts';
import {
  deliverAndProcess,
  springSaleToken,
  startTestService,
  tempDataDir,
  testConfig,
} from '../../helpers/test-service.ts';
import { loginInject } from './ui-session.ts';
import { clientIdBySlug } from '../../../src/store/clients-store.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const SECRET = `whsec_${Buffer.from('webhook-ui-secret-0123456789').toString('base64')}`;
const HOOK_URL = 'https://hooks.acme.example/abusedesk?token=tok-should-not-show';

const users = (db: Database): void => {
  const now = new Date();
  createStaffUser(db, { email: 'admin@esp.example', role: 'admin', password: 'admin password 1', now });
  createStaffUser(db, { email: 'agent@esp.example', role: 'agent', password: 'agent password 1', now });
  createStaffUser(db, { email: 'viewer@esp.example', role: 'viewer', password: 'viewer password 1', now });
};
const login = (app: FastifyInstance, role: 'admin' | 'agent' | 'viewer') =>
  loginInject(app, `${role}@esp.example`, `${role} password 1`);
const replay = (app: FastifyInstance, s: { cookie: string }, id: number | string, csrf: string | null) =>
  app.inject({
    method: 'POST',
    url: `/ui/webhooks/${id}/replay`,
    headers: { cookie: s.cookie, ...FORM },
    payload: csrf === null ? '' : new URLSearchParams({ _csrf: csrf }).toString(),
  });
const rowOf = (db: Database, id: number) =>
  db.prepare('SELECT state, attempts, last_error AS lastError FROM outbox WHERE id = ?').get(id) as {
    state: string;
    attempts: number;
    lastError: string | null;
  };

describe('webhook delivery log in the staff UI (fastify inject)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let db: Database;
  let app: FastifyInstance;
  let ticketId: string;
  let ids: { received: number; created: number; failed: number };
  beforeEach(async () => {
    tmp = tempDataDir();
    db = openDatabase(testConfig(tmp.dir));
    loadDemoIfEmpty(db, new Date('2026-11-01T00:00:00Z'));
    users(db);
    db.prepare('UPDATE clients SET webhook_url = ?, webhook_secret = ? WHERE slug = ?').run(
      HOOK_URL,
      SECRET,
      'acme',
    );
    const clientId = clientIdBySlug(db, 'acme')!;
    ticketId = createTicket(db, {
      type: 'incident',
      subject: 'hooks',
      clientId,
      now: new Date('2026-11-23T09:00:00Z'),
    });
    const at = (m: number) => new Date(Date.UTC(2026, 10, 23, 9, m));
    ids = {
      received: emitWebhook(
        db,
        'report.received',
        { kind: 'fbl' },
        { clientId, now: at(1), key: 'report:1', endpoints: [] },
      )[0]!,
      created: emitWebhook(
        db,
        'ticket.created',
        { ticketId, type: 'incident' },
        { clientId, now: at(2), key: `ticket:${ticketId}`, ticketId, endpoints: [] },
      )[0]!,
      failed: emitWebhook(
        db,
        'ticket.updated',
        { ticketId, change: 'report' },
        { clientId, now: at(3), key: `ticket:${ticketId}:report:1`, ticketId, endpoints: [] },
      )[0]!,
    };
    db.prepare(`UPDATE outbox SET state = 'sent', attempts = 1, sent_at = ? WHERE id = ?`).run(
      at(4).toISOString(),
      ids.created,
    );
    db.prepare(`UPDATE outbox SET state = 'failed', attempts = 10, last_error = ? WHERE id = ?`).run(
      '<script>alert(1)</script><img src=x onerror=alert(1)>',
      ids.failed,
    );
    app = Fastify();
    await app.register(uiPlugin, { db });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    db.close();
    tmp.cleanup();
  });

  it('lists deliveries newest first with state, counts and ticket links; escapes the error; shows no secret', async () => {
    const { cookie } = await login(app, 'viewer');
    const r = await app.inject({ method: 'GET', url: '/ui/webhooks', headers: { cookie } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(r.body).toContain('<a href="/ui/webhooks" aria-current="page">Webhooks</a>');
    const order = [ids.failed, ids.created, ids.received].map((id) => r.body.indexOf(`id="delivery-${id}"`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const t of ['report.received', 'ticket.created', 'ticket.updated']) expect(r.body).toContain(t);
    expect(r.body).toMatch(/class="status-failed">failed</);
    expect(r.body).toMatch(/class="status-sent">sent</);
    expect(r.body).toMatch(/<span class="status-pending">pending<\/span> <span class="badge">1</);
    expect(r.body).toMatch(/<span class="status-failed">failed<\/span> <span class="badge">1</);
    expect(r.body).toContain(`<a href="/ui/tickets/${ticketId}">${ticketId}</a>`);
    expect(r.body).toContain('<details><summary>Payload</summary><pre class="payload">');
    expect(r.body).toContain('&quot;change&quot;: &quot;report&quot;');
    expect(r.body).toContain('https://hooks.acme.example/abusedesk?token=***');
    expect(r.body).not.toContain('tok-should-not-show');
    expect(r.body).not.toContain(SECRET);
    expect(r.body).not.toContain('whsec_');
    expect(r.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    // The only script is the page script file (CSP script-src 'self'); nothing inline, nothing from the message.
    expect(r.body.replace('<script src="/ui/app.js" defer></script>', '')).not.toMatch(/<script|<img/i);
  });

  it('filters by state and event type, and limits', async () => {
    const { cookie } = await login(app, 'viewer');
    const get = async (q: string) =>
      (await app.inject({ method: 'GET', url: `/ui/webhooks?${q}`, headers: { cookie } })).body;
    const shown = (body: string) =>
      Object.entries(ids)
        .filter(([, id]) => body.includes(`id="delivery-${id}"`))
        .map(([k]) => k)
        .sort();
    expect(shown(await get('state=failed'))).toEqual(['failed']);
    expect(shown(await get('state=pending'))).toEqual(['received']);
    expect(shown(await get('type=ticket.created'))).toEqual(['created']);
    expect(shown(await get('state=sent&type=ticket.updated'))).toEqual([]);
    expect(shown(await get('limit=2'))).toEqual(['created', 'failed']);
    const typed = await get('type=ticket.updated');
    expect(typed).toMatch(/<span class="status-pending">pending<\/span> <span class="badge">0</); // counts follow the event filter
    expect(typed).toContain('<option value="ticket.updated" selected>');
    // Unknown values are ignored, not errors.
    expect(shown(await get('state=bogus&type=%3Cx%3E&limit=-5'))).toEqual(['created', 'failed', 'received']);
  });

  it('an admin replays a failed and a sent delivery: back to pending, audited, redirected with a notice', async () => {
    const admin = await login(app, 'admin');
    const page = await app.inject({ method: 'GET', url: '/ui/webhooks', headers: { cookie: admin.cookie } });
    expect(page.body).toContain(`action="/ui/webhooks/${ids.failed}/replay"`);
    for (const id of [ids.failed, ids.created]) {
      const r = await replay(app, admin, id, admin.csrf);
      expect(r.statusCode).toBe(303);
      expect(r.headers.location).toBe(`/ui/webhooks?flash=webhook.replayed&ref=${id}`);
      expect(rowOf(db, id)).toEqual({ state: 'pending', attempts: 0, lastError: null });
    }
    expect(listAudit(db, { action: 'webhook.replay' }).map((a) => [a.actor, a.target, a.detail])).toEqual([
      ['user:admin@esp.example', String(ids.created), { type: 'ticket.created', previousState: 'sent' }],
      ['user:admin@esp.example', String(ids.failed), { type: 'ticket.updated', previousState: 'failed' }],
    ]);
    const done = await app.inject({
      method: 'GET',
      url: (await replay(app, admin, ids.failed, admin.csrf)).headers.location!,
      headers: { cookie: admin.cookie },
    });
    expect(done.body).toContain(
      `<p class="notice" role="status">Webhook ${ids.failed} queued for delivery.</p>`,
    );
    for (const bad of ['999999', 'abc', '0'])
      expect((await replay(app, admin, bad, admin.csrf)).statusCode).toBe(404);
  });

  it('viewers and agents see no replay button and are refused; a POST without the CSRF token is refused', async () => {
    for (const role of ['viewer', 'agent'] as const) {
      const s = await login(app, role);
      const page = await app.inject({ method: 'GET', url: '/ui/webhooks', headers: { cookie: s.cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('/replay');
      const r = await replay(app, s, ids.failed, s.csrf);
      expect(r.statusCode).toBe(403);
      expect(r.body).toContain('needs the admin role');
    }
    const admin = await login(app, 'admin');
    for (const token of [null, '', 'x'.repeat(admin.csrf.length)]) {
      const r = await replay(app, admin, ids.failed, token);
      expect(r.statusCode).toBe(403);
      expect(r.body).toContain('CSRF check failed');
    }
    expect(rowOf(db, ids.failed).state).toBe('failed');
    expect(listAudit(db, { action: 'webhook.replay' })).toEqual([]);
  });
});

describe('webhook delivery log, end to end', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Awaited<ReturnType<typeof startTestService>>;
  afterEach(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  it('a processed FBL queues webhooks for the client; a failed delivery links its report and is replayed', async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, { overrides: { webhooks: { maxAttempts: 1, timeoutMs: 2000 } } });
    await svc.webhooks.stop(); // this test drives delivery rounds itself
    users(svc.db);
    svc.db
      .prepare('UPDATE clients SET webhook_url = ?, webhook_secret = ? WHERE slug = ?')
      .run('http://127.0.0.1:9/hook', SECRET, 'acme');
    await deliverAndProcess(
      svc,
      'fbl@esp.example',
      fblReport({
        reportMessageId: '<wh-ui-1@aol.example>',
        originalTo: 'redacted@aol.com',
        originalMessageId: '<send-wh-1@news.acme.example>',
        traceToken: springSaleToken(tmp.dir, 'jane@example.net'),
      }),
    );
    expect(await svc.webhooks.drainOnce()).toBeGreaterThan(0); // nothing listens on port 9: one attempt, failed
    const received = listWebhookDeliveries(svc.db, { type: 'report.received' })[0]!;
    expect(received).toMatchObject({
      state: 'failed',
      attempts: 1,
      reportId: expect.any(Number),
      reportTicketId: expect.any(String),
    });
    const admin = await login(svc.http, 'admin');
    const page = await svc.http.inject({
      method: 'GET',
      url: '/ui/webhooks?state=failed',
      headers: { cookie: admin.cookie },
    });
    expect(page.body).toContain(
      `<a href="/ui/tickets/${received.reportTicketId}?report=${received.reportId}">report #${received.reportId}</a>`,
    );
    expect(page.body).toContain('suppression.created');
    expect(page.body).toContain('ticket.created');
    const r = await replay(svc.http, admin, received.id, admin.csrf);
    expect(r.statusCode).toBe(303);
    expect(listWebhookDeliveries(svc.db, { state: 'pending' }).map((d) => d.id)).toEqual([received.id]);
  });
});
