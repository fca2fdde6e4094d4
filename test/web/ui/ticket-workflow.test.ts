import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../../src/auth/staff-users.ts';
import { fblReport } from '../../../src/demo/report-builders.ts';
import { getMessage } from '../../../src/store/messages-store.ts';
import { getTicket, ticketEvents } from '../../../src/store/tickets-store.ts';
import {
  deliverAndProcess,
  simpleMessage,
  startTestService,
  tempDataDir,
  ticketOfQueued,
} from '../../helpers/test-service.ts';
import { loginInject } from './ui-session.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

type Service = Awaited<ReturnType<typeof startTestService>>;

/** An FBL report whose original names no trace token and a domain no client sends from: it stays unmatched. */
const unmatchedFbl = (n: number, complainant: string): string =>
  fblReport({
    reportMessageId: `<wf-fbl-${n}@aol.example>`,
    originalTo: complainant,
    originalMessageId: `<wf-orig-${n}@unknown-shop.example>`,
  }).replace(/news\.acme\.example/g, 'unknown-shop.example');

const audits = (svc: Service, action: string, target: string): Array<{ actor: string; detail: string }> =>
  svc.db
    .prepare('SELECT actor, detail FROM audit_log WHERE action = ? AND target = ? ORDER BY id')
    .all(action, target) as Array<{ actor: string; detail: string }>;

describe('ticket desk workflow (web UI, fastify inject on a running service)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let alice: { cookie: string; csrf: string };
  let admin: { cookie: string; csrf: string };
  let viewer: { cookie: string; csrf: string };

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir);
    const now = new Date();
    createStaffUser(svc.db, { email: 'alice@esp.example', role: 'agent', password: 'alice password 1', now });
    createStaffUser(svc.db, { email: 'bob@esp.example', role: 'agent', password: 'bob password 12', now });
    createStaffUser(svc.db, { email: 'boss@esp.example', role: 'admin', password: 'boss password 1', now });
    createStaffUser(svc.db, { email: 'vic@esp.example', role: 'viewer', password: 'vic password 12', now });
    alice = await loginInject(svc.http, 'alice@esp.example', 'alice password 1');
    admin = await loginInject(svc.http, 'boss@esp.example', 'boss password 1');
    viewer = await loginInject(svc.http, 'vic@esp.example', 'vic password 12');
  }, 60_000);

  afterAll(async () => {
    await svc?.stop();
    tmp?.cleanup();
  });

  const page = (id: string, who = alice) =>
    svc.http.inject({ method: 'GET', url: `/ui/tickets/${id}`, headers: { cookie: who.cookie } });
  const follow = (location: string) =>
    svc.http.inject({ method: 'GET', url: location, headers: { cookie: alice.cookie } });
  const post = (id: string, action: string, fields: Record<string, string>, who = alice) =>
    svc.http.inject({
      method: 'POST',
      url: `/ui/tickets/${id}/${action}`,
      headers: { cookie: who.cookie, ...FORM },
      payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
    });

  it('assigns to me, to another agent and back to nobody; pending needs a reason and shows it', async () => {
    const q = await deliverAndProcess(svc, 'abuse@esp.example', simpleMessage('Workflow assign one'));
    const id = ticketOfQueued(svc, q);
    let res = await post(id, 'assign', { assignee: 'me' });
    expect(res.statusCode).toBe(303);
    expect(getTicket(svc.db, id)!.assignee).toBe('alice@esp.example');
    res = await follow(res.headers.location!);
    expect(res.body).toMatch(/<dt>owner<\/dt><dd class="owner">alice@esp\.example<\/dd>/);
    expect(res.body).toContain('Owner changed.');

    const bobId = svc.db.prepare("SELECT id FROM staff_users WHERE email = 'bob@esp.example'").pluck().get();
    await post(id, 'assign', { assignee: String(bobId) });
    expect(getTicket(svc.db, id)!.assignee).toBe('bob@esp.example');
    // A viewer cannot be given tickets.
    const vicId = svc.db.prepare("SELECT id FROM staff_users WHERE email = 'vic@esp.example'").pluck().get();
    res = await post(id, 'assign', { assignee: String(vicId) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose an enabled agent or admin');
    await post(id, 'assign', { assignee: '' });
    expect(getTicket(svc.db, id)!.assignee).toBeNull();
    const lines = ticketEvents(svc.db, id).map((e) => `${e.actor} ${e.text}`);
    expect(lines).toContain('user:alice@esp.example assigned to alice@esp.example');
    expect(lines).toContain('user:alice@esp.example assigned to bob@esp.example (was alice@esp.example)');
    expect(lines).toContain('user:alice@esp.example unassigned (was bob@esp.example)');
    expect(audits(svc, 'ticket.assign', id).map((a) => JSON.parse(a.detail) as unknown)).toEqual([
      { from: null, to: 'alice@esp.example' },
      { from: 'alice@esp.example', to: 'bob@esp.example' },
      { from: 'bob@esp.example', to: null },
    ]);

    // Pending without a reason: refused on the ticket page beside the pending form.
    res = await post(id, 'status', { status: 'pending', pending_reason: '  ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(
      /<form[^>]*class="pending"[\s\S]*?class="form-error" role="alert">Say why the ticket waits/,
    );
    // The page still reads conversation first; the top of the page links down to the refused form.
    expect(res.body).toContain('<a href="#form-error">Not done: Say why the ticket waits');
    expect(res.body.indexOf('class="conversation"')).toBeGreaterThan(0);
    expect(res.body.indexOf('class="conversation"')).toBeLessThan(res.body.indexOf('id="ticket-actions"'));
    expect(getTicket(svc.db, id)!.status).toBe('open');
    res = await post(id, 'status', { status: 'pending', pending_reason: 'waiting for the client to answer' });
    expect(res.statusCode).toBe(303);
    const t = getTicket(svc.db, id)!;
    expect(t.status).toBe('pending');
    expect(t.pendingReason).toBe('waiting for the client to answer');
    res = await page(id, viewer);
    expect(res.body).toMatch(
      /<dt>pending because<\/dt><dd class="pending-reason">waiting for the client to answer<\/dd>/,
    );
    // Viewers see the workflow facts but no forms.
    expect(res.body).not.toContain(`action="/ui/tickets/${id}/assign"`);
    expect(ticketEvents(svc.db, id).at(-1)!.text).toBe('open → pending: waiting for the client to answer');
    expect(JSON.parse(audits(svc, 'ticket.pending', id)[0]!.detail)).toEqual({
      from: 'open',
      reason: 'waiting for the client to answer',
    });
    // Reopening clears the reason.
    await post(id, 'status', { status: 'open' });
    expect(getTicket(svc.db, id)!.pendingReason).toBeNull();
    // Viewers may not act.
    expect((await post(id, 'assign', { assignee: 'me' }, viewer)).statusCode).toBe(403);
  });

  it('resolves with a note, and "resolve & next" goes to the next open ticket in inbox order; prev/next links', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3])
      ids.push(
        ticketOfQueued(
          svc,
          await deliverAndProcess(svc, 'abuse@esp.example', simpleMessage(`Workflow next ${n}`)),
        ),
      );
    // Inbox order: most recently updated first, so ids[2], ids[1], ids[0].
    const middle = await page(ids[1]!);
    expect(middle.body).toContain(`<a rel="prev" href="/ui/tickets/${ids[2]}">`);
    expect(middle.body).toContain(`<a rel="next" href="/ui/tickets/${ids[0]}">`);
    expect(middle.body).toMatch(
      /<form method="post" action="\/ui\/tickets\/[A-Z0-9-]+\/status" data-shortcut="resolve"/,
    );

    const res = await post(ids[1]!, 'status', {
      status: 'resolved',
      note: 'spam from a list we closed',
      next: '1',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/ui/tickets/${ids[0]}\\?flash=ticket\\.resolved-next`));
    const t = getTicket(svc.db, ids[1]!)!;
    expect(t.status).toBe('resolved');
    const events = ticketEvents(svc.db, t.id).slice(-2);
    expect(events.map((e) => [e.type, e.text])).toEqual([
      ['note', 'spam from a list we closed'],
      ['status', 'open → resolved'],
    ]);
    expect(JSON.parse(audits(svc, 'ticket.status', t.id).at(-1)!.detail)).toEqual({
      from: 'open',
      to: 'resolved',
      note: 'spam from a list we closed',
    });
    const next = await follow(res.headers.location!);
    expect(next.body).toContain(`${t.id} resolved; this is the next open ticket.`);
  });

  it('attributes an unmatched FBL to a client: suppression, incident link, signals, timeline and audit', async () => {
    const q = await deliverAndProcess(svc, 'fbl@esp.example', unmatchedFbl(1, 'kim@example.org'));
    const id = ticketOfQueued(svc, q);
    expect(getTicket(svc.db, id)!.type).toBe('unmatched');
    let res = await page(id);
    expect(res.body).toContain(`action="/ui/tickets/${id}/attribute"`);
    expect(res.body).toContain('<option value="acme-spring-sale"');

    // A campaign of another client is refused on the form, keeping what was typed.
    res = await post(id, 'attribute', {
      client: 'globex',
      campaign: 'acme-spring-sale',
      note: 'sent via our pool 7',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(
      /class="form-error" role="alert">Campaign &quot;acme-spring-sale&quot; is not a campaign of globex/,
    );
    expect(res.body).toContain('value="sent via our pool 7"');
    expect(res.body).toMatch(/<option value="globex" selected>/);

    res = await post(id, 'attribute', {
      client: 'acme',
      campaign: 'acme-spring-sale',
      note: "IP 192.0.2.25 is acme's pool",
    });
    expect(res.statusCode).toBe(303);
    const after = await follow(res.headers.location!);
    const t = getTicket(svc.db, id)!;
    expect(t).toMatchObject({ client: 'acme', campaign: 'acme-spring-sale', type: 'complaint' });
    expect(t.parentId).toBeTruthy();
    const incident = getTicket(svc.db, t.parentId!)!;
    expect(incident).toMatchObject({ type: 'incident', client: 'acme', campaign: 'acme-spring-sale' });

    const sup = svc.db
      .prepare(
        "SELECT s.reason, c.slug AS client, s.evidence_report_id AS evidence FROM suppressions s JOIN clients c ON c.id = s.client_id WHERE s.address = 'kim@example.org'",
      )
      .all();
    const reportId = svc.db
      .prepare('SELECT id FROM reports WHERE message_id = ?')
      .pluck()
      .get(getMessage(svc.db, q)!.id);
    expect(sup).toEqual([{ reason: 'complaint', client: 'acme', evidence: reportId }]);
    const attribution = JSON.parse(
      svc.db.prepare('SELECT attribution FROM reports WHERE id = ?').pluck().get(reportId) as string,
    ) as { method: string; reason: string; client: string };
    expect(attribution).toMatchObject({
      method: 'staff',
      client: 'acme',
      reason: "attributed by user:alice@esp.example: IP 192.0.2.25 is acme's pool",
    });
    // The client's signal record has the complaint (not counted: the report is not a DKIM-verified FBL).
    const signal = svc.db
      .prepare(
        "SELECT s.signal, s.counts FROM client_signals s JOIN clients c ON c.id = s.client_id WHERE c.slug = 'acme' AND s.report_id = ?",
      )
      .get(reportId);
    expect(signal).toEqual({ signal: 'complaint', counts: 0 });

    expect(after.body).toContain('Ticket attributed to acme; 1 address(es) suppressed.');
    res = await page(id);
    expect(res.body).toMatch(/suppressed kim@example\.org \(complaint, client acme\)/);
    expect(res.body).toMatch(/attributed to acme \/ acme-spring-sale by staff, linked to incident/);
    expect(res.body).toContain(`<dt>linked incident</dt><dd><a href="/ui/tickets/${incident.id}">`);
    expect(res.body).not.toContain(`action="/ui/tickets/${id}/attribute"`);
    const inc = await page(incident.id);
    expect(inc.body).toMatch(
      new RegExp(
        `<ul class="linked-tickets"><li><a href="/ui/tickets/${id}">${id}</a> <span class="status-open">open</span>`,
      ),
    );
    const audit = audits(svc, 'ticket.attribute', id);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({
      client: 'acme',
      suppressed: ['kim@example.org'],
      incidentId: incident.id,
    });
    // A second attribution is refused: it is not unmatched any more.
    res = await post(id, 'attribute', { client: 'globex', note: 'again' });
    expect(res.statusCode).toBe(409);
  });

  it('suppresses an address of the ticket by hand (client or global scope), audited and on the timeline', async () => {
    const q = await deliverAndProcess(svc, 'fbl@esp.example', unmatchedFbl(2, 'lee@example.org'));
    const id = ticketOfQueued(svc, q);
    let res = await page(id);
    expect(res.body).toMatch(/<select name="address">[\s\S]*<option value="lee@example\.org">/);
    // No client yet: client scope is refused with the form kept.
    res = await post(id, 'suppress', { address: 'lee@example.org', scope: 'client', note: 'asked by phone' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This ticket has no client');
    expect(res.body).toContain('value="asked by phone"');
    res = await post(id, 'suppress', { address: '', address_other: 'not an address', scope: 'global' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="not an address"');
    res = await post(id, 'suppress', { address: 'lee@example.org', scope: 'global', note: 'asked by phone' });
    expect(res.statusCode).toBe(303);
    const reportId = svc.db
      .prepare('SELECT id FROM reports WHERE message_id = ?')
      .pluck()
      .get(getMessage(svc.db, q)!.id);
    expect(
      svc.db
        .prepare(
          "SELECT client_id AS clientId, reason, note, created_by AS by, evidence_report_id AS evidence FROM suppressions WHERE address = 'lee@example.org'",
        )
        .all(),
    ).toEqual([
      {
        clientId: null,
        reason: 'manual',
        note: 'asked by phone',
        by: 'user:alice@esp.example',
        evidence: reportId,
      },
    ]);
    expect(ticketEvents(svc.db, id).at(-1)!.text).toBe(
      'suppressed lee@example.org (manual, global): asked by phone',
    );
    expect(JSON.parse(audits(svc, 'suppression.add', 'lee@example.org')[0]!.detail)).toMatchObject({
      client: null,
      reason: 'manual',
      ticket: id,
      evidenceReportId: reportId,
    });
    const list = await svc.http.inject({
      method: 'GET',
      url: '/ui/suppressions',
      headers: { cookie: alice.cookie },
    });
    expect(list.body).toContain('lee@example.org');
  });

  it('un-suppress needs a reason and a confirmation; a refusal keeps the typed reason', async () => {
    const q = await deliverAndProcess(svc, 'fbl@esp.example', unmatchedFbl(3, 'max@example.org'));
    const id = ticketOfQueued(svc, q);
    await post(id, 'attribute', { client: 'acme', note: 'acme pool' });
    const supId = svc.db
      .prepare("SELECT id FROM suppressions WHERE address = 'max@example.org'")
      .pluck()
      .get() as number;
    let res = await page(id);
    expect(res.body).toMatch(
      /<form method="post" action="[^"]+\/unsuppress" class="unsuppress">[\s\S]*?name="reason" required[\s\S]*?name="confirm" value="yes" required/,
    );
    res = await post(id, 'unsuppress', { id: String(supId), reason: 'complainant asked to resubscribe' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Tick the confirmation box to go ahead.');
    expect(res.body).toContain('value="complainant asked to resubscribe"');
    expect(svc.db.prepare('SELECT count(*) FROM suppressions WHERE id = ?').pluck().get(supId)).toBe(1);
    res = await post(id, 'unsuppress', { id: String(supId), confirm: 'yes' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Give a reason for this change.');
    res = await post(id, 'unsuppress', {
      id: String(supId),
      reason: 'complainant asked to resubscribe',
      confirm: 'yes',
    });
    expect(res.statusCode).toBe(303);
    expect(svc.db.prepare('SELECT count(*) FROM suppressions WHERE id = ?').pluck().get(supId)).toBe(0);
    expect(ticketEvents(svc.db, id).at(-1)!.text).toBe(
      'un-suppressed max@example.org (complaint, acme): complainant asked to resubscribe',
    );
    expect(JSON.parse(audits(svc, 'suppression.remove', 'max@example.org')[0]!.detail)).toMatchObject({
      ticket: id,
      why: 'complainant asked to resubscribe',
    });
  });

  it('suspending the client from the ticket page needs a reason and a confirmation; refusals stay on the page', async () => {
    const q = await deliverAndProcess(svc, 'fbl@esp.example', unmatchedFbl(4, 'ora@example.org'));
    const id = ticketOfQueued(svc, q);
    await post(id, 'attribute', { client: 'initech', note: 'initech relay' });
    let res = await page(id, admin);
    expect(res.body).toContain(`action="/ui/tickets/${id}/client-status"`);
    // Agents do not get the form, nor the action.
    expect((await page(id)).body).not.toContain(`action="/ui/tickets/${id}/client-status"`);
    expect(
      (await post(id, 'client-status', { status: 'suspended', reason: 'x', confirm: 'yes' })).statusCode,
    ).toBe(403);
    res = await post(id, 'client-status', { status: 'suspended', reason: 'bought list' }, admin);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/class="client-status">[\s\S]*?Tick the confirmation box/);
    expect(res.body).toContain('value="bought list"');
    res = await post(
      id,
      'client-status',
      { status: 'suspended', reason: 'bought list', confirm: 'yes' },
      admin,
    );
    expect(res.statusCode).toBe(303);
    expect(svc.db.prepare("SELECT status FROM clients WHERE slug = 'initech'").pluck().get()).toBe(
      'suspended',
    );
    expect(ticketEvents(svc.db, id).at(-1)!.text).toMatch(
      /^client initech: \w+ → suspended \(ticket [A-Z0-9-]+\): bought list$/,
    );
    expect(audits(svc, 'client.suspend', 'initech')).toHaveLength(1);
  });
});
