import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeResolver } from '../../src/authenticate/fake-resolver.ts';
import { createTestKey, signReport, type TestKey } from '../authenticate/signed-report.ts';
import { listSuppressions } from '../../src/store/suppressions-store.ts';
import { getTicket, listTickets, ticketEvents } from '../../src/store/tickets-store.ts';
import {
  fblReport,
  frenchInlineForward,
  outOfOffice,
  postfixBounce,
  ticketReply,
} from '../../src/demo/report-builders.ts';
import {
  springSaleToken,
  deliverAndProcess,
  startTestService,
  tempDataDir,
  waitFor,
  waitForIdle,
} from '../helpers/test-service.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

const deliver = deliverAndProcess;

const reportOf = (svc: Service, queueId: string) =>
  svc.db
    .prepare('SELECT r.* FROM reports r JOIN messages m ON m.id = r.message_id WHERE m.queue_id = ?')
    .get(queueId) as { kind: string; ticket_id: string | null; decisions: string; attribution: string };

describe('attribution and actions, end to end over SMTP', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  // The French reporter's domain publishes a DKIM key: only a reporter whose domain authenticates is acknowledged.
  let key: TestKey;
  beforeAll(() => {
    key = createTestKey();
  });
  beforeEach(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, {
      resolver: createFakeResolver({ 'sel._domainkey.example.fr': { TXT: [key.txt] } }),
    });
  });
  afterEach(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  const token = (recipient: string): string => springSaleToken(tmp.dir, recipient);

  it('an FBL with a trace token and a redacted To suppresses the right address for the right client, updates the incident ticket, and sends nothing', async () => {
    const q = await deliver(
      svc,
      'fbl@esp.example',
      fblReport({
        reportMessageId: '<fbl-1@aol.example>',
        originalTo: 'redacted@aol.com',
        originalMessageId: '<send-1@news.acme.example>',
        traceToken: token('jane@example.net'),
      }),
    );
    const report = reportOf(svc, q);
    expect(report.kind).toBe('fbl');
    expect(JSON.parse(report.attribution)).toMatchObject({
      method: 'trace-token',
      client: 'acme',
      campaign: 'acme-spring-sale',
      recipient: 'jane@example.net',
      confidence: 1,
    });
    expect(listSuppressions(svc.db)).toEqual([
      expect.objectContaining({ address: 'jane@example.net', client: 'acme', reason: 'complaint' }),
    ]);
    const ticket = getTicket(svc.db, report.ticket_id!)!;
    expect(ticket).toMatchObject({
      type: 'incident',
      client: 'acme',
      campaign: 'acme-spring-sale',
      reportCount: 1,
      status: 'open',
    });
    expect(JSON.parse(report.decisions)).toContainEqual(
      expect.objectContaining({
        kind: 'note',
        rule: 'fbl-no-reply',
        reason: 'FBL report: no reply (provider agreements forbid contacting the complainant)',
      }),
    );
    expect(ticketEvents(svc.db, ticket.id).some((e) => e.type === 'mail')).toBe(false);
    // A second, different FBL for the same campaign lands on the same incident ticket.
    await deliver(
      svc,
      'fbl@esp.example',
      fblReport({
        reportMessageId: '<fbl-2@aol.example>',
        originalTo: 'redacted@aol.com',
        originalMessageId: '<send-2@news.acme.example>',
        traceToken: token('joe@example.net'),
      }),
    );
    expect(getTicket(svc.db, ticket.id)!.reportCount).toBe(2);
    expect(
      listSuppressions(svc.db)
        .map((s) => s.address)
        .sort(),
    ).toEqual(['jane@example.net', 'joe@example.net']);
  });

  it('the same FBL delivered twice changes nothing the second time', async () => {
    const body = fblReport({
      reportMessageId: '<fbl-dup@aol.example>',
      originalTo: 'redacted@aol.com',
      originalMessageId: '<send-9@news.acme.example>',
      traceToken: token('dup@example.net'),
    });
    const first = await deliver(svc, 'fbl@esp.example', body);
    const snapshot = () => ({
      suppressions: listSuppressions(svc.db),
      tickets: listTickets(svc.db),
      events: svc.db.prepare('SELECT count(*) AS n FROM ticket_events').get(),
    });
    const before = snapshot();
    // the same report again, through another hop (so not byte-identical)
    const second = await deliver(svc, 'fbl@esp.example', `X-Resent-Via: relay2.aol.example\r\n${body}`);
    expect(second).not.toBe(first);
    expect(snapshot()).toEqual(before);
    expect(JSON.parse(reportOf(svc, second).decisions)[0]).toMatchObject({
      kind: 'duplicate',
      rule: 'same-message-id',
      duplicateOf: expect.any(Number),
    });
  });

  it('a not-spam FBL never suppresses', async () => {
    await deliver(
      svc,
      'fbl@esp.example',
      fblReport({
        reportMessageId: '<fbl-ns@aol.example>',
        feedbackType: 'not-spam',
        originalRcptTo: 'ok@example.net',
        originalTo: 'ok@example.net',
        originalMessageId: '<send-3@news.acme.example>',
      }),
    );
    expect(listSuppressions(svc.db)).toEqual([]);
  });

  it('an auto-reply is recorded only; a hard bounce suppresses the address and is never acknowledged', async () => {
    const auto = await deliver(
      svc,
      'abuse@esp.example',
      outOfOffice('<ooo-1@example.org>'),
      'bob@example.org',
    );
    expect(reportOf(svc, auto)).toMatchObject({ kind: 'autoreply', ticket_id: null });
    const bounce = await deliver(
      svc,
      'postmaster@esp.example',
      postfixBounce('<dsn-1@mx.example.org>', 'gone@example.org'),
      '',
    );
    const r = reportOf(svc, bounce);
    expect(r.kind).toBe('bounce');
    expect(listSuppressions(svc.db)).toEqual([
      expect.objectContaining({ address: 'gone@example.org', reason: 'bounce', client: 'acme' }),
    ]);
    expect(ticketEvents(svc.db, r.ticket_id!).some((e) => e.type === 'mail')).toBe(false);
  });

  const outboxFiles = () =>
    existsSync(join(tmp.dir, 'outbox'))
      ? readdirSync(join(tmp.dir, 'outbox')).filter((f) => f.endsWith('.eml'))
      : [];

  it('a French inline forward with the token in an unsubscribe link: ticket, suppression, French acknowledgement with the ticket id; the reply lands in the same ticket', async () => {
    const q = await deliver(
      svc,
      'abuse@esp.example',
      await signReport(
        frenchInlineForward({
          reporter: 'marie.dupont@example.fr',
          messageId: '<fwd-fr-1@example.fr>',
          token: token('marie.d@example.fr'),
          to: 'marie.d@example.fr',
        }),
        'example.fr',
        key,
        'sel',
      ),
      'marie.dupont@example.fr',
    );
    const report = reportOf(svc, q);
    expect(report.kind).toBe('complaint');
    const ticket = getTicket(svc.db, report.ticket_id!)!;
    expect(ticket).toMatchObject({
      type: 'complaint',
      client: 'acme',
      campaign: 'acme-spring-sale',
      reporter: 'marie.dupont@example.fr',
    });
    expect(ticket.parentId).toMatch(/^AD-/); // linked to the (acme, spring sale) incident
    expect(listSuppressions(svc.db)).toEqual([
      expect.objectContaining({ address: 'marie.d@example.fr', client: 'acme', reason: 'complaint' }),
    ]);
    const [file] = await waitFor(
      () => (outboxFiles().length ? outboxFiles() : null),
      10_000,
      'the acknowledgement in the outbox',
    );
    const ack = await simpleParser(readFileSync(join(tmp.dir, 'outbox', file!)));
    expect(ack.subject).toContain(`[${ticket.id}]`);
    expect(ack.to && !Array.isArray(ack.to) ? ack.to.value[0]!.address : null).toBe(
      'marie.dupont@example.fr',
    );
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack.inReplyTo).toBe('<fwd-fr-1@example.fr>');
    expect(ack.text).toMatch(/merci|signalement/i); // written in French
    expect(ticketEvents(svc.db, ticket.id).filter((e) => e.type === 'mail')).toHaveLength(1);

    // The reporter answers the acknowledgement: same ticket, no new ticket, no second acknowledgement.
    const before = listTickets(svc.db).length;
    const reply = await deliver(
      svc,
      'abuse@esp.example',
      ticketReply({
        ticketId: ticket.id,
        reporter: 'marie.dupont@example.fr',
        messageId: '<reply-1@example.fr>',
        inReplyTo: ack.messageId!,
      }),
      'marie.dupont@example.fr',
    );
    expect(reportOf(svc, reply)).toMatchObject({ kind: 'reply', ticket_id: ticket.id });
    expect(listTickets(svc.db)).toHaveLength(before);
    expect(ticketEvents(svc.db, ticket.id).map((e) => e.type)).toContain('reply');
    await waitForIdle(svc);
    expect(outboxFiles()).toHaveLength(1);
  });

  it('never acknowledges an auto-reply, a bounce or an FBL', async () => {
    await deliver(svc, 'abuse@esp.example', outOfOffice('<ooo-2@example.org>'), 'bob@example.org');
    await deliver(
      svc,
      'postmaster@esp.example',
      postfixBounce('<dsn-2@mx.example.org>', 'gone2@example.org'),
      '',
    );
    await deliver(
      svc,
      'fbl@esp.example',
      fblReport({
        reportMessageId: '<fbl-na@aol.example>',
        originalRcptTo: 'x@example.net',
        originalTo: 'x@example.net',
        originalMessageId: '<send-4@news.acme.example>',
      }),
    );
    await waitForIdle(svc);
    expect(svc.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(outboxFiles()).toEqual([]);
  });
});
