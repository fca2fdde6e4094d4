import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeResolver, type FakeZone } from '../../src/authenticate/fake-resolver.ts';
import { openSession, queueIdOf } from '../../src/bench/smtp-client.ts';
import { frenchInlineForward } from '../../src/demo/report-builders.ts';
import { getMessage } from '../../src/store/messages-store.ts';
import { listSuppressions } from '../../src/store/suppressions-store.ts';
import { getTicket } from '../../src/store/tickets-store.ts';
import { pipelineStages } from '../../src/worker/pipeline-stages.ts';
import { createTestKey, signReport, type TestKey } from '../authenticate/signed-report.ts';
import {
  deliverAndProcess,
  springSaleToken,
  startTestService,
  tempDataDir,
  testConfig,
  waitFor,
  waitForIdle,
} from '../helpers/test-service.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

interface Decision {
  kind: string;
  rule: string;
  target: string | null;
  reason: string;
}

/** Domains whose DKIM key the fake DNS publishes: mail signed for them authenticates. */
const SIGNED_DOMAINS = ['reporter.example', 'example.org', 'attacker.example'];

let key: TestKey;
let zone: FakeZone;
beforeAll(() => {
  key = createTestKey();
  zone = Object.fromEntries(SIGNED_DOMAINS.map((d) => [`sel._domainkey.${d}`, { TXT: [key.txt] }]));
});

/**
 * A human complaint (an inline forward of acme's spring sale) whose From field is exactly `fromField`, as
 * raw bytes; signed with DKIM for `signFor` when given.
 */
async function complaint(
  dir: string,
  fromField: string,
  n: number | string,
  signFor?: string,
): Promise<Buffer> {
  const body = frenchInlineForward({
    reporter: 'placeholder@reporter.example',
    messageId: `<fwd-${n}@reporter.example>`,
    token: springSaleToken(dir, `complainant-${n}@example.net`),
    to: `complainant-${n}@example.net`,
  }).replace(/^From: .*\r\n/, `From: ${fromField}\r\n`);
  return Buffer.from(signFor ? await signReport(body, signFor, key, 'sel') : body, 'utf8');
}

const outboxRecipients = (svc: Service): string[] =>
  (
    svc.db.prepare("SELECT payload FROM outbox WHERE kind = 'mail' ORDER BY id").all() as {
      payload: string;
    }[]
  ).map((r) => (JSON.parse(r.payload) as { to: { address: string } }).to.address);

const reportOf = (svc: Service, queueId: string) => {
  const row = svc.db
    .prepare(
      'SELECT r.reporter, r.ticket_id, r.decisions FROM reports r JOIN messages m ON m.id = r.message_id WHERE m.queue_id = ?',
    )
    .get(queueId) as { reporter: string | null; ticket_id: string | null; decisions: string };
  return { ...row, decisions: JSON.parse(row.decisions) as Decision[] };
};

const ackDecision = (svc: Service, queueId: string): Decision =>
  reportOf(svc, queueId).decisions.find((d) => d.kind.startsWith('ack-'))!;

describe('acknowledgements go only to the authenticated person who wrote (no backscatter)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  // Authentication and parsing get generous budgets: on a loaded CI machine a DKIM check past the default 5 s
  // is a temperror, which would make a signed reporter unauthenticated; the budgets are not what this tests.
  const start = async (overrides: Record<string, unknown> = {}): Promise<void> => {
    svc = await startTestService(tmp.dir, {
      resolver: createFakeResolver(zone),
      overrides: { authenticate: { timeoutMs: 60_000 }, parse: { timeoutMs: 60_000 }, ...overrides },
    });
  };
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  it('200 complaints with 200 forged From addresses produce no acknowledgement, yet every one gets its ticket and suppression', async () => {
    await start();
    const { client } = await openSession(svc.smtpAddress.port);
    const queueIds: string[] = [];
    for (let n = 0; n < 200; n++) {
      const victim = `victim${n}@third${n}.example`;
      const reply = await client.send(victim, ['abuse@esp.example'], await complaint(tmp.dir, victim, n));
      expect(reply.code).toBe(250);
      queueIds.push(queueIdOf(reply)!);
    }
    await client.quit();
    await waitFor(
      () => queueIds.every((q) => getMessage(svc.db, q)?.state === 'done'),
      60_000,
      'all 200 messages processed',
    );
    await waitForIdle(svc);
    expect(outboxRecipients(svc)).toEqual([]);
    for (const q of queueIds) {
      expect(ackDecision(svc, q)).toMatchObject({ kind: 'ack-skipped', rule: 'unauthenticated-reporter' });
      expect(reportOf(svc, q).ticket_id).toMatch(/^AD-/);
    }
    expect(listSuppressions(svc.db)).toHaveLength(200);
  }, 90_000);

  // Each From is signed by the attacker's own (authenticating) domain; none may make us write to anyone else.
  const injections: Array<[string, string, string]> = [
    [
      'an address as the quoted display name',
      '"victim@third.example" <mallory@attacker.example>',
      'reporter-ambiguous',
    ],
    [
      'an RFC 2047 display name that decodes to a Bcc line',
      `=?utf-8?b?${Buffer.from('Jo\r\nBcc: victim@third.example').toString('base64')}?= <mallory@attacker.example>`,
      'reporter-ambiguous',
    ],
    [
      'an RFC 2047 Q-encoded display name with an address',
      '=?utf-8?q?victim=40third.example?= <mallory@attacker.example>',
      'reporter-ambiguous',
    ],
    ['a group', 'Friends: victim@third.example, mallory@attacker.example;', 'reporter-ambiguous'],
    ['two angle-addrs', '<victim@third.example> <mallory@attacker.example>', 'reporter-ambiguous'],
    ['two mailboxes', 'victim@third.example, mallory@attacker.example', 'reporter-ambiguous'],
    ['an address in a comment', 'mallory@attacker.example (victim@third.example)', 'reporter-ambiguous'],
    // Cyrillic "а" in the domain: kept whole (xn--), never cut to victim@mail.ex, and not attacker.example's.
    ['a non-ASCII domain', 'victim@mail.ex\u0430mple.com', 'unauthenticated-reporter'],
  ];

  it.each(injections)(
    'From with %s (%j): no acknowledgement to anyone, rule %s',
    async (_what, fromField, rule) => {
      await start();
      const q = await deliverAndProcess(
        svc,
        'abuse@esp.example',
        (await complaint(tmp.dir, fromField, 'inj', 'attacker.example')).toString('utf8'),
        'mallory@attacker.example',
      );
      await waitForIdle(svc);
      expect(outboxRecipients(svc)).toEqual([]);
      expect(ackDecision(svc, q)).toMatchObject({ kind: 'ack-skipped', rule });
      const r = reportOf(svc, q);
      expect(r.ticket_id).toMatch(/^AD-/);
      if (rule === 'reporter-ambiguous') expect(r.reporter).toBeNull();
      else expect(r.reporter).toBe('victim@mail.xn--exmple-4nf.com');
    },
  );

  it('john&jane@example.org (valid RFC 5322 atext), authenticated: ticket, suppression and acknowledgement, never quarantined', async () => {
    await start();
    const q = await deliverAndProcess(
      svc,
      'abuse@esp.example',
      (await complaint(tmp.dir, 'John & Jane <john&jane@example.org>', 'amp', 'example.org')).toString(
        'utf8',
      ),
      'john&jane@example.org',
    );
    expect(getMessage(svc.db, q)).toMatchObject({ state: 'done', attempts: 1 });
    const r = reportOf(svc, q);
    expect(r.reporter).toBe('john&jane@example.org');
    expect(getTicket(svc.db, r.ticket_id!)).toMatchObject({
      type: 'complaint',
      reporter: 'john&jane@example.org',
    });
    expect(listSuppressions(svc.db)).toEqual([
      expect.objectContaining({ address: 'complainant-amp@example.net', reason: 'complaint' }),
    ]);
    expect(ackDecision(svc, q)).toMatchObject({ kind: 'ack-queued', target: 'john&jane@example.org' });
    expect(outboxRecipients(svc)).toEqual(['john&jane@example.org']);
    await waitForIdle(svc);
    expect(svc.db.prepare("SELECT state FROM outbox WHERE kind = 'mail'").pluck().all()).toEqual(['sent']);
  });

  it('an authenticated reporter is acknowledged; the per-domain hourly cap then refuses with its rule', async () => {
    await start({ outbox: { ackHourlyCapPerDomain: 1 } });
    const first = await deliverAndProcess(
      svc,
      'abuse@esp.example',
      (await complaint(tmp.dir, 'Ann <ann@reporter.example>', 'a1', 'reporter.example')).toString('utf8'),
      'ann@reporter.example',
    );
    expect(ackDecision(svc, first)).toMatchObject({ kind: 'ack-queued', target: 'ann@reporter.example' });
    const second = await deliverAndProcess(
      svc,
      'abuse@esp.example',
      (await complaint(tmp.dir, 'Bo <bo@reporter.example>', 'a2', 'reporter.example')).toString('utf8'),
      'bo@reporter.example',
    );
    expect(ackDecision(svc, second)).toMatchObject({ kind: 'ack-skipped', rule: 'domain-cap' });
    expect(outboxRecipients(svc)).toEqual(['ann@reporter.example']);
  });

  it('a failing acknowledgement is recorded on the ticket and never fails the report (no retry, no quarantine)', async () => {
    const resolver = createFakeResolver(zone);
    const stages = pipelineStages(
      testConfig(tmp.dir),
      () => {
        throw new Error('outbox unavailable');
      },
      { resolver },
    );
    svc = await startTestService(tmp.dir, { resolver, stages });
    const q = await deliverAndProcess(
      svc,
      'abuse@esp.example',
      (await complaint(tmp.dir, 'Ann <ann@reporter.example>', 'f1', 'reporter.example')).toString('utf8'),
      'ann@reporter.example',
    );
    expect(getMessage(svc.db, q)).toMatchObject({ state: 'done', attempts: 1 });
    expect(ackDecision(svc, q)).toMatchObject({
      kind: 'ack-skipped',
      rule: 'ack-error',
      reason: expect.stringContaining('outbox unavailable'),
    });
    expect(reportOf(svc, q).ticket_id).toMatch(/^AD-/);
    expect(listSuppressions(svc.db)).toHaveLength(1);
  });
});
