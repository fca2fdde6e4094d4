import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketSchema } from '../../src/web/api/ticket-schema.ts';
import { ticketWorkflowApiRoutes } from '../../src/web/api/routes/ticket-workflow-routes.ts';
import { createStaffUser } from '../../src/auth/staff-users.ts';
import { fblReport } from '../../src/demo/report-builders.ts';
import { getMessage } from '../../src/store/messages-store.ts';
import { getTicket, ticketEvents } from '../../src/store/tickets-store.ts';
import { runCli } from '../helpers/cli-process.ts';
import {
  deliverAndProcess,
  simpleMessage,
  startTestService,
  tempDataDir,
  ticketOfQueued,
} from '../helpers/test-service.ts';
import { apiClient, roleTokens, type ApiClient } from '../web/api/api-harness.ts';

const attributeResponse = ticketWorkflowApiRoutes.find((r) => r.path === '/tickets/:id/attribute')!.response!;

type Service = Awaited<ReturnType<typeof startTestService>>;

/** A real ARF report whose original carries no trace token and comes from a domain no client sends from. */
const unmatchedFbl = (tag: string, complainant: string): string =>
  fblReport({
    reportMessageId: `<sa-${tag}@aol.example>`,
    originalTo: complainant,
    originalMessageId: `<sa-orig-${tag}@unknown-shop.example>`,
  }).replace(/news\.acme\.example/g, 'unknown-shop.example');

const suppressionsOf = (svc: Service, address: string): unknown[] =>
  svc.db
    .prepare(
      "SELECT coalesce(c.slug, 'global') AS scope, s.reason FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id WHERE s.address = ?",
    )
    .all(address);

describe('desk workflow over the API (agent role)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let api: ApiClient;

  beforeAll(async () => {
    tmp = tempDataDir();
    // A global endpoint that refuses connections: events are queued (and retried), which is what is checked.
    svc = await startTestService(tmp.dir, {
      overrides: {
        webhooks: {
          endpoints: [{ url: 'http://127.0.0.1:9/hook', secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=' }],
        },
      },
    });
    createStaffUser(svc.db, {
      email: 'alice@esp.example',
      role: 'agent',
      password: 'alice password 1',
      now: new Date(),
    });
    createStaffUser(svc.db, {
      email: 'vic@esp.example',
      role: 'viewer',
      password: 'vic password 12',
      now: new Date(),
    });
    api = apiClient(svc.http, roleTokens(svc.db));
  }, 60_000);

  afterAll(async () => {
    await svc?.stop();
    tmp?.cleanup();
  });

  it('assigns and unassigns by login, and sets pending only with a reason', async () => {
    const id = ticketOfQueued(
      svc,
      await deliverAndProcess(svc, 'abuse@esp.example', simpleMessage('Api workflow one')),
    );
    expect(
      (await api.call('POST', `/api/v1/tickets/${id}/assign`, 'viewer', { assignee: 'alice@esp.example' }))
        .statusCode,
    ).toBe(403);
    let res = await api.call('POST', `/api/v1/tickets/${id}/assign`, 'agent', {
      assignee: 'alice@esp.example',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, assignee: 'alice@esp.example' });
    // The answer is what the OpenAPI document says it is.
    expect(ticketSchema.strict().safeParse(res.json()).error).toBeUndefined();
    res = await api.call('POST', `/api/v1/tickets/${id}/assign`, 'agent', { assignee: 'vic@esp.example' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_input' } });
    res = await api.call('POST', `/api/v1/tickets/${id}/assign`, 'agent', { assignee: null });
    expect(res.json()).toMatchObject({ assignee: null });
    expect(
      ticketEvents(svc.db, id)
        .filter((e) => e.actor === 'token:test-agent')
        .map((e) => e.text),
    ).toEqual(['assigned to alice@esp.example', 'unassigned (was alice@esp.example)']);

    res = await api.call('POST', `/api/v1/tickets/${id}/pending`, 'agent', { reason: '' });
    expect(res.statusCode).toBe(400);
    res = await api.call('POST', `/api/v1/tickets/${id}/pending`, 'agent', { reason: 'waiting for acme' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'pending', pendingReason: 'waiting for acme' });
    expect((await api.call('GET', `/api/v1/tickets/${id}`, 'viewer')).json()).toMatchObject({
      pendingReason: 'waiting for acme',
    });
    expect(
      (await api.call('POST', '/api/v1/tickets/AD-NOPE99/pending', 'agent', { reason: 'x' })).statusCode,
    ).toBe(404);
    const audit = svc.db
      .prepare("SELECT action FROM audit_log WHERE target = ? AND actor = 'token:test-agent' ORDER BY id")
      .pluck()
      .all(id);
    expect(audit).toEqual(['ticket.assign', 'ticket.assign', 'ticket.pending']);
  });

  it('attributes an unmatched FBL ticket: staff attribution, suppression for the client, incident, webhook', async () => {
    const q = await deliverAndProcess(svc, 'fbl@esp.example', unmatchedFbl('a1', 'pat@example.org'));
    const id = ticketOfQueued(svc, q);
    expect(suppressionsOf(svc, 'pat@example.org')).toEqual([]);
    let res = await api.call('POST', `/api/v1/tickets/${id}/attribute`, 'agent', {
      client: 'globex',
      campaign: 'acme-spring-sale',
      note: 'x',
    });
    expect(res.statusCode).toBe(400);
    res = await api.call('POST', `/api/v1/tickets/${id}/attribute`, 'agent', { client: 'acme', note: '' });
    expect(res.statusCode).toBe(400);
    res = await api.call('POST', `/api/v1/tickets/${id}/attribute`, 'agent', {
      client: 'acme',
      note: 'their new sending IP',
    });
    expect(res.statusCode).toBe(200);
    expect(attributeResponse.safeParse(res.json()).error).toBeUndefined();
    const body = res.json<{
      ticket: { client: string; type: string; parentId: string };
      suppressed: string[];
      incidentId: string;
    }>();
    expect(body.ticket).toMatchObject({ client: 'acme', type: 'complaint', parentId: body.incidentId });
    expect(body.suppressed).toEqual(['pat@example.org']);
    expect(suppressionsOf(svc, 'pat@example.org')).toEqual([{ scope: 'acme', reason: 'complaint' }]);
    const reportId = svc.db
      .prepare('SELECT id FROM reports WHERE message_id = ?')
      .pluck()
      .get(getMessage(svc.db, q)!.id) as number;
    const report = (await api.call('GET', `/api/v1/reports/${reportId}`, 'viewer')).json<{
      attribution: { method: string; reason: string; hits: Array<{ method: string }> };
      client: string;
    }>();
    expect(report.client).toBe('acme');
    expect(report.attribution.method).toBe('staff');
    expect(report.attribution.reason).toBe('attributed by token:test-agent: their new sending IP');
    // The suppression is announced like any other.
    const hooks = svc.db
      .prepare(
        "SELECT count(*) FROM outbox WHERE kind = 'webhook' AND payload LIKE '%suppression.created%' AND payload LIKE '%pat@example.org%'",
      )
      .pluck()
      .get();
    expect(hooks).toBe(1);
    expect(getTicket(svc.db, body.incidentId)!.type).toBe('incident');
    res = await api.call('POST', `/api/v1/tickets/${id}/attribute`, 'agent', {
      client: 'globex',
      note: 'again',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'conflict' } });
  });

  it('a human complaint that was unmatched becomes the client complaint ticket under its incident', async () => {
    const raw = simpleMessage('Unmatched forward').replace(
      'This is spam I got.',
      '---------- Forwarded message ---------\r\nFrom: Deals <deals@unknown-shop.example>\r\nTo: jo@example.net\r\nSubject: Cheap stuff\r\n\r\nBuy now.',
    );
    const q = await deliverAndProcess(svc, 'abuse@esp.example', raw);
    const id = ticketOfQueued(svc, q);
    const before = getTicket(svc.db, id)!;
    if (before.type !== 'unmatched') throw new Error(`expected an unmatched ticket, got ${before.type}`);
    const res = await api.call('POST', `/api/v1/tickets/${id}/attribute`, 'agent', {
      client: 'initech',
      note: 'initech confirmed the mailing',
    });
    expect(res.statusCode).toBe(200);
    const t = getTicket(svc.db, id)!;
    expect(t).toMatchObject({ type: 'complaint', client: 'initech' });
    expect(getTicket(svc.db, t.parentId!)).toMatchObject({ type: 'incident', client: 'initech' });
    expect(res.json<{ suppressed: string[] }>().suppressed).toHaveLength(1);
  });

  it('documents the new routes in the OpenAPI document with their request bodies', async () => {
    const doc = (await api.call('GET', '/api/v1/openapi.json', 'viewer')).json<{
      paths: Record<
        string,
        Record<
          string,
          { 'x-role': string; requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }
        >
      >;
    }>();
    for (const [path, required] of [
      ['/api/v1/tickets/{id}/assign', ['assignee']],
      ['/api/v1/tickets/{id}/pending', ['reason']],
      ['/api/v1/tickets/{id}/attribute', ['client', 'note']],
    ] as const) {
      const op = doc.paths[path]!.post!;
      expect(op['x-role']).toBe('agent');
      expect(op.requestBody!.content['application/json']!.schema.required).toEqual(required);
    }
  });
});

describe('abusedesk tickets assign|pending|attribute', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let ids: { plain: string; fbl: string };

  beforeAll(async () => {
    tmp = tempDataDir();
    const svc = await startTestService(tmp.dir);
    createStaffUser(svc.db, {
      email: 'alice@esp.example',
      role: 'agent',
      password: 'alice password 1',
      now: new Date(),
    });
    ids = {
      plain: ticketOfQueued(
        svc,
        await deliverAndProcess(svc, 'abuse@esp.example', simpleMessage('Cli workflow one')),
      ),
      fbl: ticketOfQueued(
        svc,
        await deliverAndProcess(svc, 'fbl@esp.example', unmatchedFbl('c1', 'ron@example.org')),
      ),
    };
    await svc.stop();
  }, 60_000);

  afterAll(() => tmp?.cleanup());

  const cli = (...args: string[]) => runCli(tmp.dir, ['tickets', ...args], { env: { USER: 'carol' } });
  const show = (id: string) =>
    JSON.parse(cli('show', id, '--json').stdout) as {
      assignee: string | null;
      status: string;
      pendingReason: string | null;
      client: string | null;
      type: string;
    };

  it('assigns, unassigns and refuses an unknown login', () => {
    let r = cli('assign', ids.plain, 'alice@esp.example');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${ids.plain} assigned to alice@esp.example\n`);
    expect(show(ids.plain).assignee).toBe('alice@esp.example');
    r = cli('assign', ids.plain, 'nobody@esp.example');
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('no enabled agent or admin');
    expect(cli('assign', ids.plain).status).toBe(2);
    r = cli('assign', ids.plain, '--unassign');
    expect(r.status).toBe(0);
    expect(show(ids.plain).assignee).toBeNull();
  });

  it('sets pending with a reason', () => {
    expect(cli('pending', ids.plain).status).toBe(2);
    const r = cli('pending', ids.plain, '--reason', 'waiting for the ISP');
    expect(r.status).toBe(0);
    expect(show(ids.plain)).toMatchObject({ status: 'pending', pendingReason: 'waiting for the ISP' });
  });

  it('attributes an unmatched ticket and prints what was done', () => {
    let r = cli('attribute', ids.fbl, '--client', 'nope', '--note', 'x');
    expect(r.status).toBe(2);
    r = cli('attribute', ids.fbl, '--client', 'globex', '--note', 'globex pool');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^${ids.fbl} attributed to globex \\(now a complaint ticket under incident AD-`),
    );
    expect(r.stdout).toContain('suppressed: ron@example.org');
    expect(show(ids.fbl)).toMatchObject({ client: 'globex', type: 'complaint' });
    r = cli('attribute', ids.fbl, '--client', 'globex', '--note', 'again');
    expect(r.status).toBe(1);
  });
});
