import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../src/auth/api-tokens.ts';
import { fblReport } from '../../../src/demo/report-builders.ts';
import { listAudit } from '../../../src/store/audit-store.ts';
import { ticketEvents } from '../../../src/store/tickets-store.ts';
import { runCli } from '../../helpers/cli-process.ts';
import {
  deliverAndProcess,
  springSaleToken,
  startTestService,
  tempDataDir,
  ticketOfQueued,
  waitForIdle,
} from '../../helpers/test-service.ts';
import { loginInject } from './ui-session.ts';

const complaint = (token: string): string =>
  [
    'From: Jane Doe <jane@example.net>',
    'To: abuse@esp.example',
    'Subject: Fwd: Spring sale, 50% off',
    'Message-ID: <jane-complaint-1@example.net>',
    'Date: Mon, 23 Nov 2026 09:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'I never signed up for this list. Please make it stop.',
    '',
    '---------- Forwarded message ---------',
    'From: Acme <news@news.acme.example>',
    'Subject: Spring sale, 50% off',
    '',
    `Buy now! https://news.acme.example/u/${token}`,
    '',
  ].join('\r\n');

const replyFromJane = (ticketId: string, inReplyTo: string): string =>
  [
    'From: Jane Doe <jane@example.net>',
    'To: abuse@esp.example',
    `Subject: Re: [${ticketId}] Re: Spring sale, 50% off`,
    'Message-ID: <jane-reply-1@example.net>',
    `In-Reply-To: ${inReplyTo}`,
    `References: <jane-complaint-1@example.net> ${inReplyTo}`,
    'Date: Mon, 23 Nov 2026 11:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Thanks. I think they got my address from a contest entry in 2024.',
    '',
    'On Mon, 23 Nov 2026 at 10:00, ESP Abuse Desk wrote:',
    '> We asked the sender how your address was collected.',
    '',
  ].join('\r\n');

describe('ticket conversation and staff answers', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Awaited<ReturnType<typeof startTestService>>;
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    tmp = tempDataDir();
    // Acknowledgements on without DNS, so the conversation also holds one with its delivery. Staff answers
    // are queued outside the worker, so the outbox sender finds them on its next poll: poll often.
    svc = await startTestService(tmp.dir, {
      overrides: { outbox: { ackRequireAuthentication: false, pollMs: 50 } },
    });
    ({ cookie, csrf } = await loginInject(svc.http, svc.demoStaff!.email, svc.demoStaff!.password));
  }, 30_000);

  afterAll(async () => {
    await svc?.stop();
    tmp?.cleanup();
  });

  const ticketOf = (queueId: string): string => ticketOfQueued(svc, queueId);
  const page = (id: string) =>
    svc.http.inject({ method: 'GET', url: `/ui/tickets/${id}`, headers: { cookie } });
  const post = (id: string, form: Record<string, string>) =>
    svc.http.inject({
      method: 'POST',
      url: `/ui/tickets/${id}/answer`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, ...form }).toString(),
    });
  /** The answer form to `audience` on a page: its hidden one-time value and the template's subject and text. */
  const formOf = (body: string, audience: string) => {
    const at = body.indexOf(`name="audience" value="${audience}"`);
    expect(at, `answer form to ${audience}`).toBeGreaterThan(0);
    const form = body.slice(at, body.indexOf('</form>', at));
    const unescape = (s: string) =>
      s
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    return {
      nonce: /name="nonce" value="([^"]+)"/.exec(form)![1]!,
      subject: unescape(/name="subject" value="([^"]*)"/.exec(form)![1]!),
      text: unescape(/<textarea name="text"[^>]*>([\s\S]*?)<\/textarea>/.exec(form)![1]!),
    };
  };

  let ticketId = '';
  let answerMessageId = '';

  it('shows the complaint as the reporter’s own words, with the forwarded spam folded away, and the acknowledgement’s delivery', async () => {
    const q = await deliverAndProcess(
      svc,
      'abuse@esp.example',
      complaint(springSaleToken(tmp.dir, 'jane@example.net')),
      'jane@example.net',
    );
    ticketId = ticketOf(q);
    await waitForIdle(svc);
    const r = await page(ticketId);
    expect(r.statusCode).toBe(200);
    const conversation = r.body.slice(r.body.indexOf('id="conversation"'), r.body.indexOf('id="answers-h"'));
    expect(conversation).toContain('I never signed up for this list. Please make it stop.');
    // The forwarded original is in the conversation only inside a closed <details>.
    expect(conversation).toMatch(
      /<details class="quoted"><summary>Quoted text<\/summary><div class="said">---------- Forwarded message/,
    );
    expect(conversation).toContain('acknowledgement');
    expect(conversation).toMatch(/status-sent">sent</);
    // Consent evidence beside the attribution: this send came from a token, with no send-log row behind it.
    expect(r.body).toMatch(/<dt>attribution<\/dt><dd>acme \/ acme-spring-sale by trace-token/);
    expect(r.body).toContain('<dt>consent</dt>');
    // The decision trail is collapsed below the conversation.
    expect(r.body.indexOf('class="trail-box"')).toBeGreaterThan(r.body.indexOf('id="conversation"'));
  });

  it('refuses an answer whose subject lost the ticket id, keeping what was typed next to the form', async () => {
    const form = formOf((await page(ticketId)).body, 'reporter');
    const r = await post(ticketId, {
      audience: 'reporter',
      nonce: form.nonce,
      subject: 'Your report',
      text: 'Kept text 123',
    });
    expect(r.statusCode).toBe(422);
    expect(r.body).toContain(`the subject must keep [${ticketId}]`);
    expect(r.body).toContain('Kept text 123');
    expect(svc.db.prepare("SELECT count(*) AS n FROM outbox WHERE dedupe_key LIKE 'answer:%'").get()).toEqual(
      { n: 0 },
    );
  });

  it('replies to the reporter through the outbox, threaded under their report, with a ticket event and an audit entry', async () => {
    const form = formOf((await page(ticketId)).body, 'reporter');
    expect(form.subject).toBe(`[${ticketId}] Re: Fwd: Spring sale, 50% off`);
    expect(form.text).toContain(`ticket ${ticketId}`);
    const text = form.text.replace('\n\n\n\n', '\n\nWe asked the sender how your address was collected.\n\n');
    const r = await post(ticketId, { audience: 'reporter', nonce: form.nonce, subject: form.subject, text });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/ui/tickets/${ticketId}?flash=ticket.answer.reporter#conversation`);
    // The same form sent twice (a double click) queues one mail.
    expect(
      (await post(ticketId, { audience: 'reporter', nonce: form.nonce, subject: form.subject, text }))
        .statusCode,
    ).toBe(303);

    const rows = svc.db
      .prepare("SELECT payload, ticket_id FROM outbox WHERE dedupe_key LIKE 'answer:%'")
      .all() as Array<{
      payload: string;
      ticket_id: string;
    }>;
    expect(rows).toHaveLength(1);
    const mail = JSON.parse(rows[0]!.payload) as Record<string, unknown>;
    expect(rows[0]!.ticket_id).toBe(ticketId);
    expect(mail.to).toEqual({ name: '', address: 'jane@example.net' });
    expect(mail.subject).toBe(`[${ticketId}] Re: Fwd: Spring sale, 50% off`);
    expect(mail.inReplyTo).toBe('<jane-complaint-1@example.net>');
    expect(mail.references).toEqual(['<jane-complaint-1@example.net>']);
    expect(mail.messageId).toMatch(new RegExp(`^<answer\\.${ticketId}\\.[0-9a-f]+@esp\\.example>$`));
    expect(mail.text).toContain('We asked the sender how your address was collected.');
    expect(mail.envelopeFrom).toBe('');
    answerMessageId = mail.messageId as string;

    const event = ticketEvents(svc.db, ticketId).find(
      (e) => e.type === 'mail' && e.actor.startsWith('user:'),
    );
    expect(event).toMatchObject({ actor: `user:${svc.demoStaff!.email}` });
    expect(event!.text).toContain('We asked the sender how your address was collected.');
    expect(listAudit(svc.db, { action: 'ticket.answer' })[0]).toMatchObject({ target: ticketId });
    await waitForIdle(svc);
    expect(svc.db.prepare("SELECT state FROM outbox WHERE dedupe_key LIKE 'answer:%'").get()).toEqual({
      state: 'sent',
    });
  });

  it('a reply from the reporter lands on the same ticket and shows its own words after our answer', async () => {
    const q = await deliverAndProcess(
      svc,
      'abuse@esp.example',
      replyFromJane(ticketId, answerMessageId),
      'jane@example.net',
    );
    expect(ticketOf(q)).toBe(ticketId);
    expect(ticketEvents(svc.db, ticketId).some((e) => e.type === 'reply')).toBe(true);
    const body = (await page(ticketId)).body;
    const complaintAt = body.indexOf('I never signed up for this list.');
    const answerAt = body.indexOf('We asked the sender how your address was collected.');
    const replyAt = body.indexOf('I think they got my address from a contest entry in 2024.');
    expect(complaintAt).toBeGreaterThan(0);
    expect(answerAt).toBeGreaterThan(complaintAt);
    expect(replyAt).toBeGreaterThan(answerAt);
    // The reply quotes our answer: the quote is folded, not repeated as their words.
    const replyBubble = body.slice(replyAt, body.indexOf('</li>', replyAt));
    expect(replyBubble).toMatch(
      /<details class="quoted"><summary>Quoted text<\/summary><div class="said">On Mon, 23 Nov 2026/,
    );
  });

  it('writes to the client abuse contact, in the client’s language', async () => {
    const form = formOf((await page(ticketId)).body, 'client');
    expect(form.subject).toBe(`[${ticketId}] Abuse report concerning Acme Corporation`);
    const r = await post(ticketId, { audience: 'client', ...form });
    expect(r.statusCode).toBe(303);
    const row = svc.db
      .prepare('SELECT payload FROM outbox WHERE dedupe_key = ?')
      .get(`answer:${ticketId}:${form.nonce}`) as { payload: string };
    expect(JSON.parse(row.payload)).toMatchObject({ to: { address: 'compliance@acme.example' } });
  });

  it('the ticket JSON (API and CLI) carries every message’s and answer’s own text', async () => {
    const { secret } = createApiToken(svc.db, { name: 'conv', role: 'viewer', now: new Date() });
    const r = await svc.http.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticketId}`,
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(r.statusCode).toBe(200);
    const { conversation } = r.json<{
      conversation: Array<{ kind: string; reportKind: string | null; text: string; delivery: unknown }>;
    }>();
    const kinds = conversation.map((c) => `${c.kind}:${c.reportKind ?? ''}`);
    expect(kinds).toEqual(['message:complaint', 'acknowledgement:', 'answer:', 'message:reply', 'answer:']);
    expect(conversation[3]).toMatchObject({
      from: 'jane@example.net',
      text: 'Thanks. I think they got my address from a contest entry in 2024.',
    });
    expect(conversation[2]!.text).toContain('We asked the sender how your address was collected.');
    expect(conversation[2]!.delivery).toMatchObject({ state: 'sent', attempts: 1 });

    await svc.stop();
    const cli = runCli(tmp.dir, ['tickets', 'show', ticketId, '--json']);
    expect(cli.status, cli.stderr).toBe(0);
    const shown = JSON.parse(cli.stdout) as { conversation: Array<{ kind: string; text: string }> };
    expect(shown.conversation.map((c) => c.text)).toContain(
      'Thanks. I think they got my address from a contest entry in 2024.',
    );
  }, 60_000);
});

describe('feedback-loop tickets', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Awaited<ReturnType<typeof startTestService>>;
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir);
    ({ cookie, csrf } = await loginInject(svc.http, svc.demoStaff!.email, svc.demoStaff!.password));
  }, 30_000);

  afterAll(async () => {
    await svc?.stop();
    tmp?.cleanup();
  });

  it('offer no reply to the reporter, say why, show reports as cards, and refuse a forged form', async () => {
    const q = await deliverAndProcess(
      svc,
      'fbl@esp.example',
      fblReport({
        reportMessageId: '<conv-fbl-1@aol.example>',
        originalTo: 'jane@example.net',
        originalMessageId: '<send-1@news.acme.example>',
      }),
    );
    const ticketId = ticketOfQueued(svc, q);
    const body = (
      await svc.http.inject({ method: 'GET', url: `/ui/tickets/${ticketId}`, headers: { cookie } })
    ).body;
    expect(body).not.toContain('name="audience" value="reporter"');
    expect(body).toContain(
      'Reply to reporter</h3><p class="muted">Not offered: the reporter is a feedback loop',
    );
    expect(body).toMatch(/<li class="card machine"><span class="badge">fbl<\/span>/);
    expect(body).not.toContain('class="bubble in');

    const r = await svc.http.inject({
      method: 'POST',
      url: `/ui/tickets/${ticketId}/answer`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrf,
        audience: 'reporter',
        nonce: 'forged-nonce-123',
        subject: `[${ticketId}] hello`,
        text: 'hello',
      }).toString(),
    });
    expect(r.statusCode).toBe(409);
    expect(r.body).toContain('not sent: the reporter is a feedback loop');
    await waitForIdle(svc);
    expect(svc.db.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'mail'").get()).toEqual({ n: 0 });
  }, 30_000);
});
