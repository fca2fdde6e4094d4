import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fblReport } from '../../../src/demo/report-builders.ts';
import { getTicket } from '../../../src/store/tickets-store.ts';
import {
  deliverAndProcess,
  startTestService,
  tempDataDir,
  ticketOfQueued,
} from '../../helpers/test-service.ts';
import { loginInject } from './ui-session.ts';

// What an agent's first day through the desk turned up: each test is one thing a person saw on a page.

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
type Service = Awaited<ReturnType<typeof startTestService>>;

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../../fixtures/${name}.eml`, import.meta.url));

describe('the staff desk, worked from the UI', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let staff: { cookie: string; csrf: string };

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir);
    staff = await loginInject(svc.http, svc.demoStaff!.email, svc.demoStaff!.password);
  }, 30_000);

  afterAll(async () => {
    await svc?.stop();
    tmp?.cleanup();
  });

  const get = (url: string) => svc.http.inject({ method: 'GET', url, headers: { cookie: staff.cookie } });
  const post = (url: string, fields: Record<string, string>) =>
    svc.http.inject({
      method: 'POST',
      url,
      headers: { cookie: staff.cookie, ...FORM },
      payload: new URLSearchParams({ _csrf: staff.csrf, ...fields }).toString(),
    });

  it('a ticket page shows its times as times (local after the page script), and its incident once', async () => {
    const q = await deliverAndProcess(
      svc,
      'abuse@esp.example',
      fixture('complaint/gmail-fr-inline-forward') as unknown as string,
      'marie.dupont@example.fr',
    );
    const id = ticketOfQueued(svc, q);
    const t = getTicket(svc.db, id)!;
    expect(t.parentId, 'a matched complaint is linked under its incident').toBeTruthy();
    const body = (await get(`/ui/tickets/${id}`)).body;
    const facts = body.slice(body.indexOf('<dl class="facts">'), body.indexOf('</dl>'));
    expect(facts).toContain(
      `<dt>opened</dt><dd><time datetime="${t.createdAt}" data-local="text">${t.createdAt.slice(0, 16).replace('T', ' ')} UTC</time></dd>`,
    );
    expect(facts).toContain(`<dt>updated</dt><dd><time datetime="${t.updatedAt}"`);
    // No raw ISO instant as text anywhere a person reads it.
    expect(body).not.toMatch(/>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z</);
    // The report headings and the suppression's date are times too.
    expect(body).toMatch(/<h3 id="report-\d+">Report #\d+ · complaint · <time datetime=/);
    expect(body).toMatch(/<td>marie\.dupont@example\.fr<\/td><td>globex<\/td><td>complaint<\/td><td><time /);
    // The incident is named once, by the workflow panel (with its status and subject).
    expect(facts).not.toContain('<dt>incident</dt>');
    expect(body).toMatch(
      /<dt>linked incident<\/dt><dd><a href="\/ui\/tickets\/AD-\w+">AD-\w+<\/a> <span class="status-open">/,
    );
  });

  it('an unmatched FBL ticket attributed by staff no longer calls itself unmatched', async () => {
    const q = await deliverAndProcess(
      svc,
      'fbl@esp.example',
      fblReport({
        reportMessageId: '<qa-fbl-1@aol.example>',
        originalTo: 'kim@example.org',
        originalMessageId: '<qa-orig-1@unknown-shop.example>',
      }).replace(/news\.acme\.example/g, 'unknown-shop.example'),
    );
    const id = ticketOfQueued(svc, q);
    const before = getTicket(svc.db, id)!;
    expect(before.type).toBe('unmatched');
    expect(before.subject).toMatch(/^Unmatched FBL report/);
    const res = await post(`/ui/tickets/${id}/attribute`, { client: 'globex', note: 'their shop domain' });
    expect(res.statusCode).toBe(303);
    const after = getTicket(svc.db, id)!;
    expect(after.subject).toBe(`${before.subject.replace(/^Unmatched FBL/, 'FBL')} (attributed to globex)`);
    expect((await get(`/ui/tickets/${id}`)).body).toContain(`<h1>${id}: FBL report`);
    const inbox = (await get('/ui/?client=globex&status=open')).body;
    const row = inbox.slice(inbox.indexOf(`<tr data-href="/ui/tickets/${id}">`));
    expect(row.slice(0, row.indexOf('</tr>'))).not.toMatch(/Unmatched/);
  });

  it('the removal page of a suppression shows what was suppressed, why and from where, apart from the removal reason', async () => {
    const q = await deliverAndProcess(
      svc,
      'abuse@esp.example',
      fixture('other/question') as unknown as string,
      'pat@example.com',
    );
    const id = ticketOfQueued(svc, q);
    expect(
      (
        await post(`/ui/tickets/${id}/suppress`, {
          address: '',
          address_other: 'trap-qa@example.org',
          scope: 'global',
          note: 'a trap the reporter named',
        })
      ).statusCode,
    ).toBe(303);
    const sid = svc.db
      .prepare("SELECT id FROM suppressions WHERE address = 'trap-qa@example.org'")
      .pluck()
      .get() as number;
    const body = (await get(`/ui/suppressions/${sid}/remove`)).body;
    expect(body).toContain('<dt>Suppressed as</dt><dd>manual</dd>');
    expect(body).toContain('<dt>Note</dt><dd>a trap the reporter named</dd>');
    expect(body).toMatch(/<dt>Since<\/dt><dd><time [^>]+>[^<]+<\/time> by user:staff@esp\.example<\/dd>/);
    expect(body).toContain(`<a href="/ui/tickets/${id}">${id}</a>`);
    // "Reason" is the removal's own field only.
    expect(body.match(/>Reason</g) ?? []).toHaveLength(0);
    expect(body).toContain('<label>Reason <input name="reason"');
  });
});
