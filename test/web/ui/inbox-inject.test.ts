import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMessage } from '../../../src/store/messages-store.ts';
import { addTicketEvent, createTicket, getTicket } from '../../../src/store/tickets-store.ts';
import { deliverAndProcess, startTestService, tempDataDir } from '../../helpers/test-service.ts';
import { staffQuestion, unmatchedFbl } from './inbox-mail.ts';
import { loginInject } from './ui-session.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

const idsOn = (body: string): string[] =>
  [...body.matchAll(/<tr data-href="\/ui\/tickets\/(AD-[A-Z0-9]{6})">/g)].map((m) => m[1]!);
const range = (body: string): string | undefined => /<span class="range">([^<]*)<\/span>/.exec(body)?.[1];
const link = (body: string, rel: 'next' | 'prev'): string | undefined =>
  new RegExp(`<a rel="${rel}" href="([^"]+)"`).exec(body)?.[1]?.replace(/&amp;/g, '&');
const count = (body: string, status: string): string | undefined =>
  new RegExp(`data-count="${status}">([^<]*)<`).exec(body)?.[1];

describe('the staff inbox (fastify inject)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let cookie: string;
  let csrf: string;
  const clock = new Date('2026-11-23T12:00:00Z');
  const get = async (url: string) =>
    (await svc.http.inject({ method: 'GET', url, headers: { cookie } })).body;

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, { now: () => clock });
    ({ cookie, csrf } = await loginInject(svc.http, svc.demoStaff!.email, svc.demoStaff!.password));
  });
  afterAll(async () => {
    await svc?.stop();
    tmp?.cleanup();
  });

  it('an empty desk says how to get mail in', async () => {
    const body = await get('/ui/');
    expect(body).toContain('No tickets yet');
    expect(body).toMatch(/port <code>\d+<\/code>/);
    expect(body).toContain('abusedesk ingest FILE');
    expect(body).toContain('npm run demo');
    // This service is running: the demo traffic is sent to it, not to a second service.
    expect(body).toMatch(/npx abusedesk demo send --host [\d.]+ --port \d+/);
    expect(range(body)).toBe('No tickets');
  });

  describe('search', () => {
    let needle: string;
    let other: string;
    let question: string;
    let queueId: string;
    beforeAll(async () => {
      queueId = await deliverAndProcess(
        svc,
        'fbl@esp.example',
        unmatchedFbl({
          reportId: '<s1@aol.example>',
          domain: 'needle.example',
          sourceIp: '203.0.113.77',
          complainant: 'Search-Me@Example.net',
          originalMessageId: '<Needle-1@needle.example>',
        }),
      );
      await deliverAndProcess(
        svc,
        'fbl@esp.example',
        unmatchedFbl({ reportId: '<s2@aol.example>', domain: 'hay.example', sourceIp: '203.0.113.78' }),
      );
      await deliverAndProcess(
        svc,
        'abuse@esp.example',
        staffQuestion('Enrolment in your feedback loop', 'Pat <pat@isp.example>', '<q1@isp.example>'),
      );
      const ticketOf = (sql: string) => (svc.db.prepare(sql).get() as { id: string }).id;
      needle = ticketOf("SELECT id FROM tickets WHERE sending_domain = 'needle.example'");
      other = ticketOf("SELECT id FROM tickets WHERE sending_domain = 'hay.example'");
      question = ticketOf("SELECT id FROM tickets WHERE type = 'other'");
      addTicketEvent(svc.db, question, {
        type: 'note',
        actor: 'user:staff@esp.example',
        text: 'asked the postmaster team',
        now: clock,
      });
      expect(getMessage(svc.db, queueId)).not.toBeNull();
    });

    const search = async (q: string) => idsOn(await get(`/ui/?status=all&q=${encodeURIComponent(q)}`));

    it.each([
      ['complainant address', 'search-me@example.net', 'complainant or recipient address'],
      ['complainant address in other case', 'SEARCH-ME@example.NET', 'complainant or recipient address'],
      ['original Message-ID', '<Needle-1@needle.example>', 'original Message-ID'],
      ['original Message-ID without brackets', 'needle-1@needle.example', 'original Message-ID'],
      ['source IP', '203.0.113.77', 'source IP'],
      ['sending domain', 'needle.example', 'sending domain'],
    ])('by %s', async (_what, q, how) => {
      const body = await get(`/ui/?status=all&q=${encodeURIComponent(q)}`);
      expect(idsOn(body)).toEqual([needle]);
      expect(body).toContain(how);
    });

    it('by queue id and by ticket id', async () => {
      expect(await search(queueId)).toEqual([needle]);
      expect(await search(queueId.toLowerCase())).toEqual([needle]);
      expect(await search(other.toLowerCase())).toEqual([other]);
    });

    it('by free text in the subject, the sender and the notes', async () => {
      expect(await search('feedback loop')).toEqual([question]);
      expect(await search('pat@isp')).toEqual([question]);
      expect(await search('postmaster team')).toEqual([question]);
      expect(await search('no such words anywhere')).toEqual([]);
    });

    it('shows the inbox columns: sender, original subject, provider and domain, age, report count', async () => {
      const body = await get(`/ui/?status=all&q=${needle}`);
      expect(body).toContain('scomp@aol.net');
      expect(body).toContain('Cheap watches');
      expect(body).toContain('aol · needle.example');
      expect(body).toMatch(/<time datetime="2026-11-23T12:00:00.000Z"[^>]*>just now<\/time>/);
      expect(body).toContain('<td class="num reports">1</td>');
    });
  });

  describe('paging', () => {
    const made: string[] = [];
    beforeAll(() => {
      // 120 tickets of type auth-failure, one a minute, newest last; the inbox lists newest first.
      for (let i = 0; i < 120; i++)
        made.push(
          createTicket(svc.db, {
            type: 'auth-failure',
            subject: `paging ${i}`,
            now: new Date(Date.UTC(2026, 10, 1, 0, i)),
          }),
        );
      made.reverse();
    });
    const base = '/ui/?type=auth-failure&status=open';

    it('pages of 50 with a range, stable when tickets arrive meanwhile', async () => {
      const first = await get(base);
      expect(range(first)).toBe('1–50 of 120');
      expect(idsOn(first)).toEqual(made.slice(0, 50));
      expect(link(first, 'prev')).toBeUndefined();
      // Five new tickets arrive while staff read page one: page two still starts where page one ended.
      const fresh = Array.from({ length: 5 }, (_, i) =>
        createTicket(svc.db, {
          type: 'auth-failure',
          subject: `late ${i}`,
          now: new Date(Date.UTC(2026, 10, 2, 0, i)),
        }),
      );
      const second = await get(link(first, 'next')!);
      expect(idsOn(second)).toEqual(made.slice(50, 100));
      expect(range(second)).toBe('56–105 of 125');
      const third = await get(link(second, 'next')!);
      expect(idsOn(third)).toEqual(made.slice(100));
      expect(link(third, 'next')).toBeUndefined();
      const back = await get(link(third, 'prev')!);
      expect(idsOn(back)).toEqual(made.slice(50, 100));
      expect(idsOn(await get(`${base}&size=200`))).toEqual([...fresh.reverse(), ...made]);
      expect(idsOn(await get(`${base}&size=100`))).toHaveLength(100);
      // A cursor that is not ours starts at page one rather than failing.
      expect(range(await get(`${base}&after=bm9wZQ`))).toBe('1–50 of 125');
    });

    it('select all on this page checks every row; the bulk bar resolves them, counts follow, audit kept', async () => {
      const page = await get(`${base}&select=page`);
      const ids = idsOn(page);
      expect(page.match(/name="ids" value="AD-[A-Z0-9]{6}"[^>]*checked/g)).toHaveLength(50);
      expect(page.indexOf('class="bulk-bar"')).toBeLessThan(page.indexOf('<table'));
      expect(count(page, 'open')).toBe('125');
      const ret = /name="return" value="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
      const r = await svc.http.inject({
        method: 'POST',
        url: '/ui/tickets/bulk',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(<Array<[string, string]>>[
          ['_csrf', csrf],
          ['status', 'resolved'],
          ['return', ret],
          ...ids.map((id): [string, string] => ['ids', id]),
        ]).toString(),
      });
      expect(r.statusCode).toBe(303);
      expect(r.headers.location).toBe(
        `/ui/?status=open&type=auth-failure&flash=tickets.bulk&n=50&ref=resolved`,
      );
      const after = await get(r.headers.location!);
      expect(after).toContain('50 ticket(s) set to resolved.');
      expect(count(after, 'open')).toBe('75');
      expect(count(after, 'resolved')).toBe('50');
      expect(range(after)).toBe('1–50 of 75');
      expect(getTicket(svc.db, ids[0]!)!.status).toBe('resolved');
      const audit = svc.db
        .prepare(
          "SELECT count(*) AS n FROM audit_log WHERE action = 'ticket.status' AND detail LIKE '%bulk%'",
        )
        .get() as { n: number };
      expect(audit.n).toBe(50);
    });
  });

  it('saved views are links that set their filters', async () => {
    const body = await get('/ui/');
    for (const label of ['My open', 'Unassigned', 'Unmatched', 'Untrusted', 'Pending', 'Resolved today'])
      expect(body).toMatch(new RegExp(`<a href="/ui/\\?view=[a-z-]+"[^>]*>${label}</a>`));
    const mine = createTicket(svc.db, { type: 'other', subject: 'mine to do', now: clock });
    const me = (
      svc.db.prepare('SELECT id FROM staff_users WHERE email = ?').get(svc.demoStaff!.email) as {
        id: number;
      }
    ).id;
    svc.db.prepare('UPDATE tickets SET assignee_id = ? WHERE id = ?').run(me, mine);
    expect(idsOn(await get('/ui/?view=mine'))).toEqual([mine]);
    expect(idsOn(await get('/ui/?view=unassigned&size=200'))).not.toContain(mine);
    const unmatched = idsOn(await get('/ui/?view=unmatched'));
    expect(unmatched.length).toBeGreaterThan(0);
    for (const id of unmatched) expect(getTicket(svc.db, id)!.type).toBe('unmatched');
    // 50 tickets were resolved "today" (the service clock's day) by the bulk action above.
    expect(range(await get('/ui/?view=resolved-today'))).toBe('1–50 of 50');
    expect(await get('/ui/?view=resolved-today')).toContain('aria-current="page">Resolved today</a>');
  });
});
