import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyReport } from '../../../src/parse/empty-report.ts';
import { writeAudit } from '../../../src/store/audit-store.ts';
import { markMessageDone, markMessageFailed, SqliteMessageStore } from '../../../src/store/messages-store.ts';
import { saveDecisions, storeReport } from '../../../src/store/reports-store.ts';
import { createTicket } from '../../../src/store/tickets-store.ts';
import { listIntakeLog } from '../../../src/store/intake-log-store.ts';
import { startUiApp, textOf, type UiApp as App } from './admin-ui-app.ts';

const rowIds = (body: string, prefix: string): number[] =>
  [...body.matchAll(new RegExp(`<tr id="${prefix}-(\\d+)"`, 'g'))].map((m) => Number(m[1]));

describe('admin: audit log page', () => {
  let t: App;
  beforeEach(async () => {
    t = await startUiApp();
    for (let i = 0; i < 130; i++)
      writeAudit(t.db, {
        actor: i % 2 ? 'user:agent@esp.example' : 'cli:root',
        action: i % 3 ? 'ticket.note' : 'suppression.remove',
        target: `target-${i}`,
        detail: { i },
        now: new Date(Date.UTC(2026, 10, 1 + Math.floor(i / 10), 12)),
      });
  });
  afterEach(() => t.close());

  it('pages newest first with a cursor, 100 entries a page', async () => {
    const admin = await t.login('admin');
    const first = await t.get(admin, '/ui/admin/audit');
    expect(first.statusCode).toBe(200);
    const ids = rowIds(first.body, 'audit');
    expect(ids).toHaveLength(100);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const older = /<a href="(\/ui\/admin\/audit\?before=\d+)">Older entries<\/a>/.exec(first.body)![1]!;
    const second = await t.get(admin, older.replace(/&amp;/g, '&'));
    const rest = rowIds(second.body, 'audit');
    expect(Math.max(...rest)).toBeLessThan(Math.min(...ids));
    // 130 seeded plus the admin's login.
    expect(ids.length + rest.length).toBe(131);
    expect(second.body).not.toContain('Older entries');
    expect(second.body).toContain('>Newest</a>');
  });

  it('shows an entry’s detail as readable pairs, escaped, not as a JSON blob', async () => {
    writeAudit(t.db, {
      actor: 'user:admin@esp.example',
      action: 'client.status',
      target: 'acme',
      detail: {
        from: 'active',
        to: 'suspended',
        note: '<b>spam run</b>',
        counts: { tickets: 2 },
        empty: null,
      },
      now: new Date(Date.UTC(2026, 11, 1, 12)),
    });
    const admin = await t.login('admin');
    const body = (await t.get(admin, '/ui/admin/audit?target=acme')).body;
    expect(body).toContain(
      '<dl class="audit-detail"><dt>from</dt><dd>active</dd><dt>to</dt><dd>suspended</dd><dt>note</dt><dd>&lt;b&gt;spam run&lt;/b&gt;</dd><dt>counts</dt><dd>{&quot;tickets&quot;:2}</dd></dl>',
    );
    expect(body).not.toContain('<dt>empty</dt>');
  });

  it('filters by actor, action family, target and date range, and keeps the filters in the form', async () => {
    const admin = await t.login('admin');
    const r = await t.get(
      admin,
      '/ui/admin/audit?actor=agent%40esp&action=suppression&from=2026-11-04&to=2026-11-06',
    );
    const text = textOf(r.body);
    const rows = rowIds(r.body, 'audit');
    expect(rows.length).toBeGreaterThan(0);
    // i odd (agent), i % 3 == 0 (suppression.remove), days 4–6 → i in 30..59
    const expected = Array.from({ length: 30 }, (_, k) => 30 + k).filter((i) => i % 2 === 1 && i % 3 === 0);
    expect(rows).toHaveLength(expected.length);
    for (const i of expected) expect(text).toContain(`target-${i} `);
    expect(text).not.toContain('ticket.note');
    expect(r.body).toContain('name="actor" value="agent@esp"');
    expect(r.body).toContain('name="from" value="2026-11-04"');
    const target = await t.get(admin, '/ui/admin/audit?target=target-129');
    expect(rowIds(target.body, 'audit')).toHaveLength(1);
    const bad = await t.get(admin, '/ui/admin/audit?from=2026-11-09&to=2026-11-01');
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('The “from” date is after the “to” date.');
  });
});

describe('admin: intake log page', () => {
  let t: App;
  let ids: { done: number; quarantined: number; queued: number };
  let ticketId: string;
  beforeEach(async () => {
    t = await startUiApp();
    const store = new SqliteMessageStore(t.db);
    const at = (m: number) => new Date(Date.UTC(2026, 10, 23, 9, m));
    const put = (n: number, source: 'smtp' | 'ingest') =>
      store.storeNow({
        raw: Buffer.from(`Subject: message ${n}\r\n\r\nbody ${n}\r\n`),
        mailFrom: n === 2 ? '' : `sender${n}@provider.example`,
        rcptTo: ['abuse@esp.example'],
        clientIp: '192.0.2.7',
        clientHostname: 'mx.provider.example',
        helo: 'mx.provider.example',
        tls: null,
        receivedAt: at(n),
        source,
      }).id;
    ids = { done: put(1, 'smtp'), quarantined: put(2, 'smtp'), queued: put(3, 'ingest') };
    markMessageDone(t.db, ids.done, {
      at: at(5),
      headers: {},
      stages: [
        { stage: 'headers', outcome: 'ok', reason: 'read 7 header fields', ms: 1.2 },
        { stage: 'classify', outcome: 'complaint', reason: 'an inline forward of spam', ms: 3 },
      ],
    });
    markMessageFailed(t.db, ids.quarantined, {
      state: 'quarantined',
      attempts: 5,
      next: null,
      error: 'extract: <boom> at depth 9',
      stages: [{ stage: 'extract', outcome: 'error', reason: '<boom> at depth 9', ms: 9 }],
    });
    ticketId = createTicket(t.db, { type: 'complaint', subject: 'spam', now: at(6) });
    const reportId = storeReport(
      t.db,
      ids.done,
      emptyReport('complaint', 'an inline forward of spam'),
      at(5),
    ).id;
    saveDecisions(t.db, reportId, [], ticketId);
  });
  afterEach(() => t.close());

  it('lists messages with state, source, envelope, size and their ticket; filters; quarantined first', async () => {
    const admin = await t.login('admin');
    const r = await t.get(admin, '/ui/admin/intake');
    expect(rowIds(r.body, 'message')).toEqual([ids.queued, ids.quarantined, ids.done]);
    const text = textOf(r.body);
    expect(text).toContain('sender1@provider.example → abuse@esp.example from 192.0.2.7');
    expect(text).toContain('<> → abuse@esp.example');
    expect(text).toContain('extract: <boom> at depth 9');
    expect(r.body).not.toContain('<boom>');
    expect(r.body).toContain(`<a href="/ui/tickets/${ticketId}?report=`);
    expect(r.body).toMatch(/<td class="num">\d+ B<\/td>/);
    const first = await t.get(admin, '/ui/admin/intake?quarantined=1');
    expect(rowIds(first.body, 'message')).toEqual([ids.quarantined, ids.queued, ids.done]);
    expect(first.body).toContain('name="quarantined" value="1" checked');
    const ingest = await t.get(admin, '/ui/admin/intake?source=ingest');
    expect(rowIds(ingest.body, 'message')).toEqual([ids.queued]);
    const done = await t.get(admin, '/ui/admin/intake?state=done');
    expect(rowIds(done.body, 'message')).toEqual([ids.done]);
  });

  it('pages quarantined-first by its cursor without skipping or repeating a message', () => {
    const seen: number[] = [];
    let after: { id: number; quarantined: boolean } | undefined;
    for (;;) {
      const [row] = listIntakeLog(t.db, { quarantinedFirst: true, after, limit: 1 });
      if (!row) break;
      seen.push(row.id);
      after = { id: row.id, quarantined: row.state === 'quarantined' };
    }
    expect(seen).toEqual([ids.quarantined, ids.queued, ids.done]);
  });

  it('shows one message with its envelope, stage trail and ticket link; a quarantined one can be retried', async () => {
    const admin = await t.login('admin');
    const list = await t.get(admin, '/ui/admin/intake');
    const link = new RegExp(`<tr id="message-${ids.done}"><td><a href="([^"]+)"`).exec(list.body)![1]!;
    const r = await t.get(admin, link);
    expect(r.statusCode).toBe(200);
    const text = textOf(r.body);
    expect(text).toContain('MAIL FROM sender1@provider.example');
    expect(text).toContain('HELO mx.provider.example');
    expect(text).toContain('1 headers ok read 7 header fields 1');
    expect(text).toContain('1 classify complaint an inline forward of spam 3');
    expect(r.body).toContain(`<a href="/ui/tickets/${ticketId}?report=`);
    expect(r.body).not.toContain('/retry');
    const q = await t.get(admin, `/ui/admin/intake/${ids.quarantined}`);
    expect(textOf(q.body)).toContain('quarantined after 5 attempt(s)');
    expect(q.body).toMatch(/action="\/ui\/quarantine\/[^"]+\/retry"/);
    expect((await t.get(admin, '/ui/admin/intake/NOPE123')).statusCode).toBe(404);
  });
});
