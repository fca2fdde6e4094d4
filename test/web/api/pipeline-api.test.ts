import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyringFromConfig } from '../../../src/attribute/token-keyring.ts';
import { createFakeResolver } from '../../../src/authenticate/fake-resolver.ts';
import { createTestKey, signReport } from '../../authenticate/signed-report.ts';
import { mintTraceToken } from '../../../src/attribute/trace-token.ts';
import { fblReport, frenchInlineForward } from '../../../src/demo/report-builders.ts';
import { createTicket } from '../../../src/store/tickets-store.ts';
import { getMessage } from '../../../src/store/messages-store.ts';
import {
  deliverAndProcess,
  startTestService,
  tempDataDir,
  testConfig,
  waitFor,
} from '../../helpers/test-service.ts';
import { apiClient, roleTokens, type ApiClient } from './api-harness.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

describe('API over a running service: tickets, reports, messages, quarantine, metrics', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let api: ApiClient;
  let fblQueueId: string;
  let forwardQueueId: string;

  const deliver = (rcpt: string, body: string, mailFrom?: string): Promise<string> =>
    deliverAndProcess(svc, rcpt, body, mailFrom);

  beforeAll(async () => {
    tmp = tempDataDir();
    // The reporter's domain publishes a DKIM key, so the forward authenticates and is acknowledged.
    const key = createTestKey();
    svc = await startTestService(tmp.dir, {
      resolver: createFakeResolver({ 'sel._domainkey.example.fr': { TXT: [key.txt] } }),
    });
    api = apiClient(svc.http, roleTokens(svc.db));
    const token = (recipient: string) =>
      mintTraceToken(
        { client: 'acme', campaign: 'acme-spring-sale', recipient, sentAt: new Date('2026-11-23T08:54:00Z') },
        keyringFromConfig(testConfig(tmp.dir)),
      );
    fblQueueId = await deliver(
      'fbl@esp.example',
      fblReport({
        reportMessageId: '<fbl-api@aol.example>',
        originalTo: 'redacted@aol.com',
        originalMessageId: '<send-api@news.acme.example>',
        traceToken: token('jane@example.net'),
      }),
    );
    forwardQueueId = await deliver(
      'abuse@esp.example',
      await signReport(
        frenchInlineForward({
          reporter: 'marie@example.fr',
          messageId: '<fwd-api@example.fr>',
          token: token('marie@example.fr'),
          to: 'abuse@esp.example',
        }),
        'example.fr',
        key,
        'sel',
      ),
      'marie@example.fr',
    );
  }, 30_000);
  afterAll(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  it('lists tickets with filters and shows one with its reports, attribution, decisions and timeline', async () => {
    const all = (await api.call('GET', '/api/v1/tickets', 'viewer')).json();
    expect(all.items.length).toBeGreaterThanOrEqual(2);
    expect(all.nextCursor).toBeNull();
    const incidents = (
      await api.call(
        'GET',
        '/api/v1/tickets?type=incident&client=acme&campaign=acme-spring-sale&status=open',
        'viewer',
      )
    ).json();
    expect(incidents.items).toHaveLength(1);
    const id = incidents.items[0].id as string;
    expect((await api.call('GET', '/api/v1/tickets?client=globex', 'viewer')).json().items).toEqual([]);
    expect(
      (await api.call(`GET`, `/api/v1/tickets?q=${id.toLowerCase()}`, 'viewer'))
        .json()
        .items.map((t: { id: string }) => t.id),
    ).toEqual([id]);
    expect((await api.call('GET', '/api/v1/tickets?from=2999-01-01', 'viewer')).json().items).toEqual([]);
    expect((await api.call('GET', '/api/v1/tickets?status=closed', 'viewer')).statusCode).toBe(400);

    const t = (await api.call('GET', `/api/v1/tickets/${id}`, 'viewer')).json();
    expect(t).toMatchObject({ id, type: 'incident', client: 'acme' });
    expect(t.reports[0]).toMatchObject({
      kind: 'fbl',
      queueId: fblQueueId,
      client: 'acme',
      campaign: 'acme-spring-sale',
      attribution: { method: 'trace-token' },
    });
    expect(t.reports[0].decisions.length).toBeGreaterThan(0);
    expect(t.timeline.some((e: { type: string }) => e.type === 'report')).toBe(true);
    expect((await api.call('GET', '/api/v1/tickets/AD-NOPE00', 'viewer')).statusCode).toBe(404);
  });

  it('changes status and adds notes (agent), both audited and on the timeline', async () => {
    const id = (await api.call('GET', '/api/v1/tickets?type=incident', 'viewer')).json().items[0]
      .id as string;
    const r = await api.call('PATCH', `/api/v1/tickets/${id}`, 'agent', {
      status: 'resolved',
      note: 'client cleaned the list',
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id, status: 'resolved', resolvedAt: expect.any(String) });
    expect((await api.call('PATCH', `/api/v1/tickets/${id}`, 'agent', { status: 'done' })).statusCode).toBe(
      400,
    );
    expect(
      (await api.call('PATCH', '/api/v1/tickets/AD-NOPE00', 'agent', { status: 'open' })).statusCode,
    ).toBe(404);
    const note = await api.call('POST', `/api/v1/tickets/${id}/notes`, 'agent', {
      text: 'called the client',
    });
    expect(note.statusCode).toBe(201);
    expect(note.json()).toMatchObject({ type: 'note', actor: 'token:test-agent', text: 'called the client' });
    const t = (await api.call('GET', `/api/v1/tickets/${id}`, 'viewer')).json();
    expect(
      t.timeline
        .filter((e: { actor: string }) => e.actor === 'token:test-agent')
        .map((e: { type: string }) => e.type),
    ).toEqual(['status', 'note']);
    const audit = svc.db.prepare('SELECT action FROM audit_log WHERE target = ? ORDER BY id').all(id);
    expect(audit).toEqual([{ action: 'ticket.status' }, { action: 'ticket.note' }]);
  });

  it('paginates tickets with a cursor, without gaps or repeats', async () => {
    for (let i = 0; i < 5; i++)
      createTicket(svc.db, {
        type: 'other',
        subject: `paging ${i}`,
        now: new Date(Date.UTC(2026, 0, 1, 0, i)),
      });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { items: Array<{ subject: string }>; nextCursor: string | null } = (
        await api.call(
          'GET',
          `/api/v1/tickets?type=other&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          'viewer',
        )
      ).json();
      seen.push(...r.items.map((t: { subject: string }) => t.subject));
      cursor = r.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['paging 4', 'paging 3', 'paging 2', 'paging 1', 'paging 0']);
    expect(pages).toBe(3);
  });

  it('lists reports and shows one with the parsed report', async () => {
    const list = (await api.call('GET', '/api/v1/reports?kind=fbl', 'viewer')).json();
    expect(list.items).toHaveLength(1);
    const one = (await api.call('GET', `/api/v1/reports/${list.items[0].id}`, 'viewer')).json();
    expect(one).toMatchObject({
      kind: 'fbl',
      provider: expect.anything(),
      parsed: { kind: 'fbl' },
      attribution: { client: 'acme' },
    });
    expect((await api.call('GET', '/api/v1/reports?unmatched=true&kind=fbl', 'viewer')).json().items).toEqual(
      [],
    );
    const paged = (await api.call('GET', '/api/v1/reports?limit=1', 'viewer')).json();
    expect(paged.items).toHaveLength(1);
    const next = (
      await api.call('GET', `/api/v1/reports?limit=1&cursor=${paged.nextCursor}`, 'viewer')
    ).json();
    expect(next.items[0].id).toBeLessThan(paged.items[0].id);
    expect((await api.call('GET', '/api/v1/reports/999999', 'viewer')).statusCode).toBe(404);
  });

  it('lists messages, shows one, and serves the raw message to agents as a download', async () => {
    const list = (await api.call('GET', '/api/v1/messages?state=done', 'viewer')).json();
    expect(list.items.map((m: { queueId: string }) => m.queueId)).toEqual([forwardQueueId, fblQueueId]);
    const m = (await api.call('GET', `/api/v1/messages/${fblQueueId}`, 'viewer')).json();
    expect(m).toMatchObject({ queueId: fblQueueId, state: 'done', report: { kind: 'fbl' } });
    const raw = await api.call('GET', `/api/v1/messages/${fblQueueId}/raw`, 'agent');
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toBe('message/rfc822');
    expect(raw.headers['content-disposition']).toBe(`attachment; filename="${fblQueueId}.eml"`);
    expect(raw.body).toContain('<fbl-api@aol.example>');
    expect((await api.call('GET', '/api/v1/messages/NOPE', 'viewer')).statusCode).toBe(404);
  });

  it('lists quarantined messages with their error and retries one', async () => {
    svc.db
      .prepare(
        `UPDATE messages SET state = 'quarantined', attempts = 5, last_error = 'parse: boom' WHERE queue_id = ?`,
      )
      .run(forwardQueueId);
    const q = (await api.call('GET', '/api/v1/quarantine', 'viewer')).json();
    expect(q.items).toEqual([
      expect.objectContaining({ queueId: forwardQueueId, error: 'parse: boom', attempts: 5 }),
    ]);
    expect((await api.call('POST', `/api/v1/quarantine/${forwardQueueId}/retry`, 'viewer')).statusCode).toBe(
      403,
    );
    const r = await api.call('POST', `/api/v1/quarantine/${forwardQueueId}/retry`, 'agent');
    expect(r.statusCode).toBe(202);
    await waitFor(() => getMessage(svc.db, forwardQueueId)?.state === 'done', 10_000, 'reprocessing');
    expect((await api.call('POST', `/api/v1/quarantine/${forwardQueueId}/retry`, 'agent')).statusCode).toBe(
      409,
    );
    expect(
      svc.db.prepare("SELECT actor, action FROM audit_log WHERE action = 'message.retry'").all(),
    ).toEqual([{ actor: 'token:test-agent', action: 'message.retry' }]);
  });

  it('exposes Prometheus metrics once messages were processed', async () => {
    expect((await svc.http.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const r = await api.call('GET', '/metrics', 'viewer');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    const text = r.body;
    for (const name of [
      'abusedesk_messages_accepted_total',
      'abusedesk_messages_rejected_total',
      'abusedesk_reports_total',
      'abusedesk_processing_seconds_bucket',
      'abusedesk_queue_messages',
      'abusedesk_outbox_rows',
      'abusedesk_unmatched_ratio',
      'abusedesk_acknowledgements',
    ]) {
      expect(text, name).toContain(name);
    }
    // On PostgreSQL (nodes may share the database) every series also carries this node's `node` label.
    const node = 'node="[^"]+"';
    const series = (name: string, labels: string, value: string): RegExp =>
      new RegExp(labels ? `${name}\\{${labels}(,${node})?\\} ${value}` : `${name}(\\{${node}\\})? ${value}`);
    expect(text).toMatch(series('abusedesk_messages_accepted_total', 'duplicate="false"', '2'));
    expect(text).toMatch(series('abusedesk_reports_total', 'kind="fbl",provider="[^"]+"', '1'));
    expect(text).toMatch(series('abusedesk_queue_messages', 'state="done"', '2'));
    expect(text).toMatch(series('abusedesk_processing_seconds_count', '', '3'));
    expect(text).toMatch(series('abusedesk_acknowledgements', 'outcome="sent",rule=""', '[1-9]'));
    // The sweeper assessed every demo client at start.
    expect(text).toMatch(series('abusedesk_clients', 'status="active"', '3'));
    expect(text).toMatch(series('abusedesk_clients', 'status="suspended"', '0'));
    expect(text).toMatch(series('abusedesk_client_score', 'client="acme"', '\\d+'));
  });
});
