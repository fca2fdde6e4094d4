import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasClientSuppression, listSuppressions } from '../../../src/store/suppressions-store.ts';
import { insertSends } from '../../../src/store/sends-store.ts';
import { clientIdBySlug } from '../../../src/store/clients-store.ts';
import { loadMailboxProviders } from '../../../src/enforcement/mailbox-providers.ts';
import {
  clockFrom,
  springSaleToken,
  deliverAndProcess,
  startTestService,
  tempDataDir,
  waitFor,
} from '../../helpers/test-service.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

describe('unsubscribe: RFC 8058 one-click at /u/{token} and the unsubscribe mailbox', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  beforeEach(async () => {
    tmp = tempDataDir();
    // Inside the demo campaigns' enforcement window, which the re-assessment below counts.
    svc = await startTestService(tmp.dir, { now: clockFrom('2026-11-25T10:00:00Z') });
  });
  afterEach(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  const token = (recipient: string): string => springSaleToken(tmp.dir, recipient);
  const url = (t: string) => `http://127.0.0.1:${svc.httpAddress.port}/u/${t}`;
  const oneClick = (t: string) =>
    fetch(url(t), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
  const unsubscribes = () => listSuppressions(svc.db, { reason: 'unsubscribe' });
  const requests = () =>
    svc.db.prepare('SELECT * FROM unsubscribe_requests').all() as Array<{
      suppression_id: number;
      token_form: string;
      token: string;
      time_to_suppression_ms: number;
      received_at: string;
    }>;

  it('a one-click POST suppresses the recipient for the token’s client within the response, and records the time to suppression', async () => {
    const t = token('Jane@Example.net');
    const res = await oneClick(t);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await res.text()).toContain('jane@example.net');
    const rows = unsubscribes();
    expect(rows).toEqual([
      expect.objectContaining({
        address: 'jane@example.net',
        client: 'acme',
        reason: 'unsubscribe',
        createdBy: 'unsubscribe:one-click',
      }),
    ]);
    expect(rows[0]!.timeToSuppressionMs).toBeGreaterThanOrEqual(0);
    expect(requests()).toEqual([
      expect.objectContaining({ suppression_id: rows[0]!.id, token_form: 'full', token: t }),
    ]);
    // The unsubscribe counts toward acme's rates (proven by the token), and the sweeper re-assesses acme soon after.
    expect(svc.db.prepare('SELECT signal, recipient, counts FROM client_signals').all()).toEqual([
      { signal: 'unsubscribe', recipient: 'jane@example.net', counts: 1 },
    ]);
    await waitFor(
      () => {
        const a = svc.db.prepare("SELECT assessment FROM clients WHERE slug = 'acme'").get() as {
          assessment: string | null;
        };
        return (
          a.assessment &&
          (JSON.parse(a.assessment) as { facts: { total: { counts: { unsubscribes: number } } } }).facts.total
            .counts.unsubscribes === 1
        );
      },
      5000,
      'acme re-assessed with the unsubscribe',
    );
  });

  it('requires the RFC 8058 body List-Unsubscribe=One-Click: anything else is a 400 that changes nothing', async () => {
    const t = token('empty@example.net');
    const refused: RequestInit[] = [
      { method: 'POST' },
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' },
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' },
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=Two-Clicks',
      },
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'unsubscribe me' },
    ];
    for (const init of refused) {
      const res = await fetch(url(t), init);
      expect(res.status, JSON.stringify(init)).toBe(400);
      expect(await res.text()).toContain('List-Unsubscribe=One-Click');
    }
    expect(unsubscribes()).toEqual([]);
    expect(requests()).toEqual([]);
  });

  it('accepts the body as multipart/form-data too (RFC 8058 §3.1)', async () => {
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const res = await fetch(url(token('multipart@example.net')), { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(unsubscribes().map((s) => s.address)).toEqual(['multipart@example.net']);
  });

  it('scopes the unsubscribe to the stream of the mail it came from (send log), so receipts keep flowing', async () => {
    const send = (recipient: string, campaign: string, stream: string, n: number) => ({
      messageId: `<s${n}@news.acme.example>`,
      recipient,
      client: 'acme',
      campaign,
      stream,
      sentAt: '2026-11-23T08:00:00Z',
    });
    insertSends(
      svc.db,
      [
        send('rita@example.net', 'acme-spring-sale', 'marketing', 1),
        send('rita@example.net', 'acme-weekly-news', 'transactional', 2),
        // Two streams under the token's campaign: ambiguous, so the unsubscribe holds for every stream.
        send('tom@example.net', 'acme-spring-sale', 'marketing', 3),
        send('tom@example.net', 'acme-spring-sale', 'transactional', 4),
      ],
      new Date(),
      loadMailboxProviders(),
    );
    expect((await oneClick(token('rita@example.net'))).status).toBe(200);
    expect((await oneClick(token('tom@example.net'))).status).toBe(200);
    const acme = clientIdBySlug(svc.db, 'acme')!;
    const held = (address: string, stream: string) =>
      hasClientSuppression(svc.db, address, acme, 'unsubscribe', { stream });
    expect(unsubscribes().map((r) => [r.address, r.stream])).toEqual(
      expect.arrayContaining([
        ['rita@example.net', 'marketing'],
        ['tom@example.net', null],
      ]),
    );
    expect([held('rita@example.net', 'marketing'), held('rita@example.net', 'transactional')]).toEqual([
      true,
      false,
    ]);
    expect([held('tom@example.net', 'marketing'), held('tom@example.net', 'transactional')]).toEqual([
      true,
      true,
    ]);
  });

  it('a repeated POST is idempotent', async () => {
    const t = token('twice@example.net');
    expect((await oneClick(t)).status).toBe(200);
    const before = { s: unsubscribes(), r: requests() };
    expect((await oneClick(t)).status).toBe(200);
    expect({ s: unsubscribes(), r: requests() }).toEqual(before);
    expect(before.s).toHaveLength(1);
  });

  it('a GET never unsubscribes: it shows a script-free page whose form posts to the same URL', async () => {
    const t = token('prefetch@example.net');
    const res = await fetch(url(t));
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain(`<form method="post" action="/u/${t}">`);
    expect(body).not.toMatch(/<script/i);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(unsubscribes()).toEqual([]);
    expect(requests()).toEqual([]);
  });

  it('a forged or tampered token is a 404 and suppresses nothing', async () => {
    const t = token('victim@example.net');
    const tampered = t.slice(0, -4) + (t.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const bad of [tampered, 'adt1' + 'x'.repeat(80), 'nonsense']) {
      const res = await oneClick(bad);
      expect(res.status).toBe(404);
      expect(await res.text()).toMatch(/not valid/);
      expect((await fetch(url(bad))).status).toBe(404);
    }
    expect(unsubscribes()).toEqual([]);
    expect(requests()).toEqual([]);
  });

  it('mail to the unsubscribe mailbox carrying a trace token (a List-Unsubscribe mailto) suppresses that recipient for that client', async () => {
    const t = token('mailto@example.net');
    const body =
      `From: Someone Else <forwarder@example.org>\r\nTo: unsubscribe@esp.example\r\nSubject: unsubscribe ${t}\r\nMessage-ID: <unsub-mailto-1@example.org>\r\n` +
      `Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n\r\nunsubscribe\r\n`;
    await deliverAndProcess(svc, 'unsubscribe@esp.example', body);
    expect(unsubscribes()).toEqual([
      expect.objectContaining({ address: 'mailto@example.net', client: 'acme', reason: 'unsubscribe' }),
    ]);
  });
});
