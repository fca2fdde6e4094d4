import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/api-tokens.ts';
import { loadMailboxProviders } from '../../src/enforcement/mailbox-providers.ts';
import { addressHash } from '../../src/privacy/address-hash.ts';
import type { RunningService } from '../../src/service/start-service.ts';
import { insertSends } from '../../src/store/sends-store.ts';
import {
  eraseSuppressionAddress,
  isSuppressed,
  listSuppressions,
  removeSuppression,
  suppress,
} from '../../src/store/suppressions-store.ts';
import {
  deliverAndProcess,
  simpleMessage,
  startTestService,
  tempDataDir,
  waitFor,
} from '../helpers/test-service.ts';
import { clientIdBySlug } from '../../src/store/clients-store.ts';

const ENDPOINT = { url: 'https://hooks.platform.example/abusedesk', secret: 'whsec_dGVzdHNlY3JldA==' };
const DAY = 86_400_000;

interface Hook {
  type: string;
  data: Record<string, unknown>;
}

let svc: RunningService | null = null;
let cleanup: (() => void) | null = null;
afterEach(async () => {
  await svc?.stop();
  svc = null;
  cleanup?.();
  cleanup = null;
});

/** The suppression webhook events queued so far, oldest first. */
function hooks(s: RunningService): Hook[] {
  return (
    s.db
      .prepare(
        "SELECT payload FROM outbox WHERE kind = 'webhook' AND json_extract(payload, '$.type') LIKE 'suppression.%' ORDER BY id",
      )
      .all() as Array<{ payload: string }>
  ).map((r) => JSON.parse(r.payload) as Hook);
}

async function start(clock: { t: number }): Promise<RunningService> {
  const tmp = tempDataDir();
  cleanup = tmp.cleanup;
  svc = await startTestService(tmp.dir, {
    now: () => new Date(clock.t),
    overrides: {
      webhooks: { endpoints: [ENDPOINT] },
      suppressions: { webhookPollMs: 20, expiryIntervalMs: 100 },
    },
  });
  return svc;
}

let seq = 0;
/** An RFC 3464 DSN about `recipient` for the original `<origId>` (a soft bounce unless `status` says otherwise). */
function dsn(recipient: string, origId: string, status = '4.2.2'): string {
  seq++;
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.far.example>',
    'To: bounces@esp.example',
    'Subject: Delivery Status Notification (Delay)',
    `Message-ID: <soft-${seq}@mx.far.example>`,
    'Date: Mon, 02 Mar 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="d1"',
    '',
    '--d1',
    'Content-Type: text/plain',
    '',
    'The recipient mailbox is full.',
    '--d1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.far.example',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    `Status: ${status}`,
    status.startsWith('5.1.1')
      ? `Diagnostic-Code: smtp; 550 ${status} User unknown`
      : `Diagnostic-Code: smtp; 452 ${status} Mailbox full, over quota`,
    '',
    '--d1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Acme <news@news.acme.example>',
    `To: ${recipient}`,
    `Message-ID: <${origId}>`,
    '',
    '--d1--',
    '',
  ].join('\r\n');
}

describe('suppression changes from every path', () => {
  it('staff store calls, the API, expiry and erasure each queue one suppression webhook; erasure carries only the hash', async () => {
    const clock = { t: Date.parse('2026-03-01T00:00:00Z') };
    const s = await start(clock);
    const acme = clientIdBySlug(s.db, 'acme')!;

    // The staff UI and CLI call the store directly.
    suppress(s.db, {
      address: 'ui@example.net',
      clientId: acme,
      reason: 'manual',
      createdBy: 'staff:ann',
      now: new Date(clock.t),
    });
    removeSuppression(s.db, 'ui@example.net', acme, undefined, { actor: 'staff:ann', why: 'typo' });
    // The API.
    const token = createApiToken(s.db, { name: 'platform', role: 'agent', now: new Date(clock.t) }).secret;
    const api = await fetch(`http://127.0.0.1:${s.httpAddress.port}/api/v1/suppressions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ address: 'api@example.net', client: 'acme', reason: 'bounce' }),
    });
    expect(api.status).toBe(201);
    // The default expiry of a hard bounce is 365 days: move the clock past it.
    expect(listSuppressions(s.db, { address: 'api@example.net' })[0]!.expiresAt).toBe(
      new Date(clock.t + 365 * DAY).toISOString(),
    );
    // Erasure.
    suppress(s.db, {
      address: 'erase.me@example.net',
      clientId: null,
      reason: 'trap',
      now: new Date(clock.t),
    });
    const hash = addressHash('h'.repeat(40), 'erase.me@example.net');
    eraseSuppressionAddress(s.db, { address: 'erase.me@example.net', hash, now: new Date(clock.t) });

    clock.t += 366 * DAY;
    s.suppressions.expireNow();
    await waitFor(() => hooks(s).length === 6, 10_000, 'six suppression webhooks');
    const got = hooks(s).map((h) => [h.type, h.data.change, h.data.address ?? h.data.hash, h.data.client]);
    expect(got).toEqual([
      ['suppression.created', 'added', 'ui@example.net', 'acme'],
      ['suppression.removed', 'removed', 'ui@example.net', 'acme'],
      ['suppression.created', 'added', 'api@example.net', 'acme'],
      ['suppression.created', 'added', hash, null],
      ['suppression.removed', 'erased', hash, null],
      ['suppression.removed', 'expired', 'api@example.net', 'acme'],
    ]);
    expect(JSON.stringify(hooks(s))).not.toContain('erase.me@');
    expect(isSuppressed(s.db, 'api@example.net', acme, { now: new Date(clock.t) })).toEqual([]);
    // Nothing is queued twice.
    s.suppressions.notify();
    await s.suppressions.drain();
    expect(hooks(s)).toHaveLength(6);
  }, 60_000);

  it('a staff note and a status change through the API queue ticket.updated', async () => {
    const clock = { t: Date.parse('2026-03-01T00:00:00Z') };
    const s = await start(clock);
    await deliverAndProcess(s, 'abuse@esp.example', simpleMessage('Spam from somewhere'));
    const ticketId = (
      s.db.prepare('SELECT id FROM tickets ORDER BY created_at DESC LIMIT 1').get() as { id: string }
    ).id;
    const token = createApiToken(s.db, { name: 'desk', role: 'agent', now: new Date(clock.t) }).secret;
    const call = (method: string, path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${s.httpAddress.port}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await call('POST', `/tickets/${ticketId}/notes`, { text: 'looked at it' })).status).toBe(201);
    expect((await call('PATCH', `/tickets/${ticketId}`, { status: 'resolved' })).status).toBe(200);
    const updates = (
      s.db
        .prepare(
          "SELECT payload FROM outbox WHERE kind = 'webhook' AND json_extract(payload, '$.type') = 'ticket.updated' ORDER BY id",
        )
        .all() as Array<{ payload: string }>
    ).map((r) => (JSON.parse(r.payload) as Hook).data);
    expect(updates).toEqual([
      expect.objectContaining({ ticketId, change: 'note' }),
      expect.objectContaining({ ticketId, change: 'status', status: 'resolved', from: 'open' }),
    ]);
  }, 60_000);

  it('three soft bounces within the window and no delivery since suppress with reason soft-bounce-limit; a delivery in between resets', async () => {
    const clock = { t: Date.parse('2026-03-02T10:00:00Z') };
    const s = await start(clock);
    const sent = (id: string, to: string, at: number): void => {
      const r = insertSends(
        s.db,
        [
          {
            messageId: `<${id}>`,
            recipient: to,
            client: 'acme',
            campaign: null,
            sentAt: new Date(at).toISOString(),
            stream: 'marketing',
          },
        ],
        new Date(clock.t),
        loadMailboxProviders(),
      );
      expect(r.errors).toEqual([]);
    };
    const bounce = async (to: string, id: string): Promise<void> => {
      sent(id, to, clock.t - 60_000);
      await deliverAndProcess(s, 'postmaster@esp.example', dsn(to, id));
      clock.t += DAY;
    };
    await bounce('full@far.example', 'a1@news.acme.example');
    await bounce('full@far.example', 'a2@news.acme.example');
    expect(listSuppressions(s.db, { address: 'full@far.example' })).toEqual([]);
    await bounce('full@far.example', 'a3@news.acme.example');
    const [row] = listSuppressions(s.db, { address: 'full@far.example' });
    expect(row).toMatchObject({ reason: 'soft-bounce-limit', client: 'acme', stream: null });
    expect(JSON.parse(row!.evidence!)).toHaveLength(3);
    const decisions = JSON.parse(
      (s.db.prepare('SELECT decisions FROM reports ORDER BY id DESC LIMIT 1').get() as { decisions: string })
        .decisions,
    ) as Array<{ kind: string; rule: string; reason: string }>;
    expect(decisions).toContainEqual(
      expect.objectContaining({
        kind: 'suppress',
        rule: 'soft-bounce-limit',
        reason: expect.stringMatching(/3 soft bounces within 14 days/),
      }),
    );
    await waitFor(
      () => hooks(s).filter((h) => h.data.reason === 'soft-bounce-limit').length === 1,
      10_000,
      'the soft-bounce-limit webhook',
    );

    // Another address: two bounces, then a send that did not bounce (delivered), then one bounce: no suppression.
    await bounce('busy@far.example', 'b1@news.acme.example');
    await bounce('busy@far.example', 'b2@news.acme.example');
    sent('b3@news.acme.example', 'busy@far.example', clock.t - 30_000);
    await bounce('busy@far.example', 'b4@news.acme.example');
    expect(listSuppressions(s.db, { address: 'busy@far.example' })).toEqual([]);
  }, 120_000);

  it('a complaint about marketing mail suppresses for acme + marketing only; a hard bounce for every stream', async () => {
    const clock = { t: Date.parse('2026-03-02T10:00:00Z') };
    const s = await start(clock);
    insertSends(
      s.db,
      [
        {
          messageId: '<m1@news.acme.example>',
          recipient: 'ann@far.example',
          client: 'acme',
          campaign: null,
          sentAt: '2026-03-01T10:00:00Z',
          stream: 'marketing',
        },
        {
          messageId: '<m2@news.acme.example>',
          recipient: 'bob@far.example',
          client: 'acme',
          campaign: null,
          sentAt: '2026-03-01T10:00:00Z',
          stream: 'marketing',
        },
      ],
      new Date(clock.t),
      loadMailboxProviders(),
    );
    const arf = [
      'From: Feedback Loop <fbl@isp.example>',
      'To: fbl@esp.example',
      'Subject: FW: complaint',
      'Message-ID: <fbl-1@isp.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'This is an abuse report.',
      '--b1',
      'Content-Type: message/feedback-report',
      '',
      'Feedback-Type: abuse',
      'User-Agent: isp-fbl/1.0',
      'Version: 1',
      'Original-Rcpt-To: ann@far.example',
      '',
      '--b1',
      'Content-Type: message/rfc822',
      '',
      'From: Acme <news@news.acme.example>',
      'To: ann@far.example',
      'Subject: Spring sale',
      'Message-ID: <m1@news.acme.example>',
      '',
      'Buy now.',
      '--b1--',
      '',
    ].join('\r\n');
    await deliverAndProcess(s, 'fbl@esp.example', arf);
    const acme = clientIdBySlug(s.db, 'acme')!;
    expect(listSuppressions(s.db, { address: 'ann@far.example' })).toMatchObject([
      { reason: 'complaint', client: 'acme', stream: 'marketing' },
    ]);
    const now = new Date(clock.t);
    expect(isSuppressed(s.db, 'ann@far.example', acme, { stream: 'marketing', now })).toHaveLength(1);
    expect(isSuppressed(s.db, 'ann@far.example', acme, { stream: 'transactional', now })).toEqual([]);

    await deliverAndProcess(
      s,
      'postmaster@esp.example',
      dsn('bob@far.example', 'm2@news.acme.example', '5.1.1'),
    );
    expect(listSuppressions(s.db, { address: 'bob@far.example' })).toMatchObject([
      { reason: 'bounce', stream: null },
    ]);
  }, 60_000);
});
