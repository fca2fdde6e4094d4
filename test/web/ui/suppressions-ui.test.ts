import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyReport } from '../../../src/parse/empty-report.ts';
import { listAudit } from '../../../src/store/audit-store.ts';
import { SqliteMessageStore } from '../../../src/store/messages-store.ts';
import { saveDecisions, storeReport } from '../../../src/store/reports-store.ts';
import { listSuppressions, suppress } from '../../../src/store/suppressions-store.ts';
import { createTicket } from '../../../src/store/tickets-store.ts';
import { startUiApp, textOf, type UiApp as App } from './admin-ui-app.ts';
import { ingestedMessage } from '../../helpers/test-service.ts';

const rowIds = (body: string): number[] =>
  [...body.matchAll(/<tr id="suppression-(\d+)"/g)].map((m) => Number(m[1]));
const addresses = (t: App): string[] =>
  listSuppressions(t.db, { limit: 100 })
    .map((s) => `${s.address}|${s.client ?? 'global'}|${s.reason}`)
    .sort();

describe('suppressions page', () => {
  let t: App;
  beforeEach(async () => {
    t = await startUiApp();
  });
  afterEach(() => t.close());

  it('adds pasted addresses and domain patterns for a client, audited, with a note; repeats are not added twice', async () => {
    const agent = await t.login('agent');
    const r = await t.post(agent, '/ui/suppressions/add', {
      _csrf: agent.csrf,
      addresses: 'Jane@Example.net\r\n\r\n*@spam-domain.example\nbob@example.org\n',
      scope: 'acme',
      note: 'asked by phone',
    });
    expect(r.statusCode).toBe(303);
    const page = await t.get(agent, r.headers.location as string);
    expect(textOf(page.body)).toContain('3 suppression(s) added.');
    expect(addresses(t)).toEqual([
      '@spam-domain.example|acme|manual',
      'bob@example.org|acme|manual',
      'jane@example.net|acme|manual',
    ]);
    expect(listSuppressions(t.db, { limit: 10 }).every((s) => s.note === 'asked by phone')).toBe(true);
    expect(listSuppressions(t.db, { limit: 10 }).every((s) => s.createdBy === 'user:agent@esp.example')).toBe(
      true,
    );
    expect(
      listAudit(t.db, { action: 'suppression.add' })
        .map((e) => e.target)
        .sort(),
    ).toEqual(['@spam-domain.example', 'bob@example.org', 'jane@example.net']);
    const again = await t.post(agent, '/ui/suppressions/add', {
      _csrf: agent.csrf,
      addresses: 'jane@example.net\nnew@example.net',
      scope: 'acme',
      note: '',
    });
    expect(textOf((await t.get(agent, again.headers.location as string)).body)).toContain(
      '1 suppression(s) added; 1 were already suppressed in that scope.',
    );
  });

  it('refuses a paste with a bad line, adds nothing and keeps what was typed', async () => {
    const agent = await t.login('agent');
    const r = await t.post(agent, '/ui/suppressions/add', {
      _csrf: agent.csrf,
      addresses: 'ok@example.net\nnot an address\nfoo*@example.net',
      scope: '',
      note: 'my note',
    });
    expect(r.statusCode).toBe(422);
    const text = textOf(r.body);
    expect(text).toContain('Nothing added: 2 lines are not an email address');
    expect(text).toContain('not an address, foo*@example.net');
    expect(r.body).toContain('>ok@example.net\nnot an address\nfoo*@example.net</textarea>');
    expect(r.body).toContain('value="my note"');
    expect(r.body).toContain('<details class="add-suppressions" open>');
    expect(addresses(t)).toEqual([]);
    const unknown = await t.post(agent, '/ui/suppressions/add', {
      _csrf: agent.csrf,
      addresses: 'a@example.net',
      scope: 'nobody',
      note: '',
    });
    expect(unknown.statusCode).toBe(422);
    expect(textOf(unknown.body)).toContain('There is no client nobody.');
  });

  it('lets viewers search but not change; agents need the CSRF token', async () => {
    suppress(t.db, { address: 'x@example.net', clientId: null, reason: 'complaint', now: new Date() });
    const viewer = await t.login('viewer');
    const page = await t.get(viewer, '/ui/suppressions');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('action="/ui/suppressions/add"');
    expect(page.body).not.toContain('action="/ui/suppressions/remove"');
    expect(
      (
        await t.post(viewer, '/ui/suppressions/add', {
          _csrf: viewer.csrf,
          addresses: 'a@example.net',
          scope: '',
        })
      ).statusCode,
    ).toBe(403);
    const id = rowIds(page.body)[0]!;
    expect(
      (
        await t.post(viewer, '/ui/suppressions/remove', {
          _csrf: viewer.csrf,
          id: String(id),
          reason: 'r',
          confirm: 'yes',
        })
      ).statusCode,
    ).toBe(403);
    expect((await t.get(viewer, `/ui/suppressions/${id}/remove`)).statusCode).toBe(403);
    const agent = await t.login('agent');
    expect(
      (await t.post(agent, '/ui/suppressions/add', { addresses: 'a@example.net', scope: '' })).statusCode,
    ).toBe(403);
    expect(addresses(t)).toEqual(['x@example.net|global|complaint']);
  });

  it('removes one suppression only with a reason and confirmation, and records who, when and why in the removal history', async () => {
    suppress(t.db, { address: 'keep@example.net', clientId: 1, reason: 'complaint', now: new Date() });
    const { id } = suppress(t.db, {
      address: 'gone@example.net',
      clientId: 1,
      reason: 'complaint',
      now: new Date(),
    });
    const agent = await t.login('agent');
    const confirm = await t.get(agent, `/ui/suppressions/${id}/remove`);
    expect(confirm.statusCode).toBe(200);
    expect(textOf(confirm.body)).toContain(
      'Address gone@example.net Scope client acme Suppressed as complaint',
    );
    const noReason = await t.post(agent, '/ui/suppressions/remove', {
      _csrf: agent.csrf,
      id: String(id),
      single: '1',
      reason: '',
      confirm: 'yes',
    });
    expect(noReason.statusCode).toBe(400);
    expect(textOf(noReason.body)).toContain('Give a reason for this change.');
    const noBox = await t.post(agent, '/ui/suppressions/remove', {
      _csrf: agent.csrf,
      id: String(id),
      single: '1',
      reason: 'opted back in',
    });
    expect(noBox.statusCode).toBe(400);
    expect(noBox.body).toContain('value="opted back in"');
    expect(addresses(t)).toHaveLength(2);

    const r = await t.post(agent, '/ui/suppressions/remove', {
      _csrf: agent.csrf,
      id: String(id),
      single: '1',
      reason: 'opted back in',
      confirm: 'yes',
    });
    expect(r.statusCode).toBe(303);
    expect(textOf((await t.get(agent, r.headers.location as string)).body)).toContain(
      '1 suppression(s) removed.',
    );
    expect(addresses(t)).toEqual(['keep@example.net|acme|complaint']);
    expect(listAudit(t.db, { action: 'suppression.remove' })[0]).toMatchObject({
      actor: 'user:agent@esp.example',
      target: 'gone@example.net',
      detail: { client: 'acme', reason: 'complaint', why: 'opted back in' },
    });
    const history = await t.get(agent, '/ui/suppressions/removals');
    expect(history.statusCode).toBe(200);
    expect(textOf(history.body)).toMatch(
      /UTC gone@example\.net client acme complaint user:agent@esp\.example opted back in/,
    );
    const again = await t.post(agent, '/ui/suppressions/remove', {
      _csrf: agent.csrf,
      id: String(id),
      single: '1',
      reason: 'x',
      confirm: 'yes',
    });
    expect(again.statusCode).toBe(404);
  });

  it('removes the selected rows in bulk; a refused bulk removal keeps the ticks and the reason', async () => {
    const ids = ['a', 'b', 'c'].map(
      (x) =>
        suppress(t.db, { address: `${x}@example.net`, clientId: null, reason: 'manual', now: new Date() }).id,
    );
    const agent = await t.login('agent');
    const refused = await t.post(agent, '/ui/suppressions/remove', {
      _csrf: agent.csrf,
      id: [String(ids[0]), String(ids[2])],
      reason: 'cleanup',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(`value="${ids[0]}" aria-label="Select a@example.net" checked`);
    expect(refused.body).toContain(`value="${ids[1]}" aria-label="Select b@example.net">`);
    expect(refused.body).toContain('value="cleanup"');
    const none = await t.post(agent, '/ui/suppressions/remove', {
      _csrf: agent.csrf,
      reason: 'cleanup',
      confirm: 'yes',
    });
    expect(none.statusCode).toBe(422);
    const r = await t.post(agent, '/ui/suppressions/remove', {
      _csrf: agent.csrf,
      id: [String(ids[0]), String(ids[2])],
      reason: 'cleanup',
      confirm: 'yes',
    });
    expect(r.statusCode).toBe(303);
    expect(addresses(t)).toEqual(['b@example.net|global|manual']);
    expect(listAudit(t.db, { action: 'suppression.remove' })).toHaveLength(2);
  });

  it('filters by reason, client, date range and address; links evidence and ticket; exports the same rows as CSV', async () => {
    const store = new SqliteMessageStore(t.db);
    const m = store.storeNow(
      ingestedMessage('Subject: x\r\n\r\nx\r\n', {
        rcptTo: ['fbl@esp.example'],
        receivedAt: new Date('2026-11-10T10:00:00Z'),
        source: 'smtp',
      }),
    );
    const reportId = storeReport(t.db, m.id, emptyReport('fbl', 'ARF'), new Date('2026-11-10T10:00:00Z')).id;
    const ticketId = createTicket(t.db, {
      type: 'complaint',
      subject: 's',
      now: new Date('2026-11-10T10:00:00Z'),
    });
    saveDecisions(t.db, reportId, [], ticketId);
    suppress(t.db, {
      address: 'fbl@example.net',
      clientId: 1,
      reason: 'complaint',
      reportId,
      now: new Date('2026-11-10T10:00:00Z'),
    });
    suppress(t.db, {
      address: 'old@example.net',
      clientId: 2,
      reason: 'bounce',
      now: new Date('2026-10-01T10:00:00Z'),
    });
    suppress(t.db, {
      address: 'glob@example.net',
      clientId: null,
      reason: 'manual',
      now: new Date('2026-11-12T10:00:00Z'),
    });
    const viewer = await t.login('viewer');
    const all = await t.get(viewer, '/ui/suppressions');
    expect(all.body).toContain(
      `<a href="/ui/reports/${reportId}">report #${reportId}</a><br><a href="/ui/tickets/${ticketId}">${ticketId}</a>`,
    );
    const get = async (q: string) => textOf((await t.get(viewer, `/ui/suppressions?${q}`)).body);
    expect(await get('reason=complaint')).toContain('fbl@example.net');
    expect(await get('reason=complaint')).not.toContain('old@example.net');
    expect(await get('client=globex')).toContain('old@example.net');
    expect(await get('client=*')).toMatch(/glob@example\.net global/);
    expect(await get('client=*')).not.toContain('fbl@example.net');
    const range = await get('from=2026-11-01&to=2026-11-10');
    expect(range).toContain('fbl@example.net');
    expect(range).not.toContain('glob@example.net');
    expect(range).not.toContain('old@example.net');
    expect(await get('address=GLOB')).toContain('(1 of 1 shown)');
    const csv = await t.get(viewer, '/ui/suppressions.csv?from=2026-11-01&to=2026-11-10');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^address,client,reason,/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['fbl@example.net']);
    const bad = await t.get(viewer, '/ui/suppressions?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Dates must be written YYYY-MM-DD.');
  });
});
