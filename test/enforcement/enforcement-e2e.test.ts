import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintTraceToken } from '../../src/attribute/trace-token.ts';
import { keyringFromConfig } from '../../src/attribute/token-keyring.ts';
import { createFakeResolver, type FakeZone } from '../../src/authenticate/fake-resolver.ts';
import { upsertCampaign } from '../../src/store/clients-store.ts';
import { wilsonLowerBound, zForConfidence } from '../../src/enforcement/wilson-bound.ts';
import { apiClient, roleTokens, type ApiClient } from '../web/api/api-harness.ts';
import { loginInject } from '../web/ui/ui-session.ts';
import {
  arfReport,
  createTestKey,
  signReport,
  yahooZone,
  type TestKey,
} from '../authenticate/signed-report.ts';
import type { RunningService } from '../../src/service/start-service.ts';
import {
  clockFrom,
  deliverAndProcess,
  startTestService,
  tempDataDir,
  testConfig,
} from '../helpers/test-service.ts';

/**
 * End to end: real reports through SMTP and the whole pipeline move a demo client through
 * active → watch → warned → suspended at the configured thresholds — and do not for forged FBLs or for
 * 1 complaint in 50 sends.
 */

const CAMPAIGN = 'acme-enforcement-test';
const START = new Date('2026-11-20T09:00:00Z');
const DAY_AFTER_START = new Date(START.getTime() + 86_400_000).toISOString();

/** The reporting MTAs whose DSNs the fake DNS zone can verify (selector `arf`, the test key). */
const SIGNING_MTAS = [
  'mx.pristine.example',
  'mx.bigmail.example',
  'smtp.coolmail.example',
  'mta.nordpost.example',
];

function mtaZone(k: TestKey): FakeZone {
  return Object.fromEntries(SIGNING_MTAS.map((d) => [`arf._domainkey.${d}`, { TXT: [k.txt] }]));
}

interface DsnOptions {
  mta: string;
  recipient: string;
  token: string;
  status?: string;
  diagnostic?: string;
}

/** An RFC 3464 DSN from MAILER-DAEMON@`mta`, the client's original (with its trace token) attached. */
function dsn(o: DsnOptions): string {
  seq++;
  return [
    `From: Mail Delivery System <MAILER-DAEMON@${o.mta}>`,
    'To: bounces@esp.example',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <dsn-${seq}@${o.mta}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="d1"',
    '',
    '--d1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--d1',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${o.mta}`,
    '',
    `Final-Recipient: rfc822; ${o.recipient}`,
    'Action: failed',
    `Status: ${o.status ?? '5.7.1'}`,
    `Diagnostic-Code: smtp; ${o.diagnostic ?? '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org'}`,
    '',
    '--d1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Acme <news@news.acme.example>',
    `To: ${o.recipient}`,
    `Message-ID: <orig-${seq}@news.acme.example>`,
    `List-Unsubscribe: <https://esp.example/u/${o.token}>`,
    '',
    '--d1--',
    '',
  ].join('\r\n');
}

let seq = 0;
/** A Yahoo ARF report about `recipient`, the original carrying its trace token in an unsubscribe link. */
function yahooFbl(recipient: string, token: string): string {
  seq++;
  return arfReport({
    recipient,
    messageId: `<fbl-${seq}-${recipient.replace(/\W/g, '')}@arf.mail.yahoo.com>`,
    originalBody: `Deals. Unsubscribe: https://esp.example/u/${token}`,
  });
}

interface Harness {
  svc: RunningService;
  api: ApiClient;
  dir: string;
  token(recipient: string, campaign?: string): string;
  status(): string;
  /** What the last processed message's stages concluded and the client's last assessment (a failure's context). */
  explain(): string;
  /** A trusted (DKIM-signed by Yahoo's key) FBL about a new recipient, through SMTP and the worker. */
  trustedFbl(recipient: string): Promise<void>;
  forgedFbl(recipient: string): Promise<void>;
}

let key: TestKey;
let cleanup: (() => void) | null = null;
let svc: RunningService | null = null;

async function harness(overrides: Record<string, unknown> = {}, delivered = 1000): Promise<Harness> {
  const tmp = tempDataDir();
  cleanup = tmp.cleanup;
  key ??= createTestKey();
  svc = await startTestService(tmp.dir, {
    // A day after the campaign started, whatever today's date: enforcement counts only signals about campaigns
    // started within its window.
    now: clockFrom(DAY_AFTER_START),
    resolver: createFakeResolver({ ...yahooZone(key), ...mtaZone(key) }),
    // Thresholds are counted report by report: one report whose authentication or parse ran past its time
    // budget on a loaded machine (the first loads the DKIM code) would count as unauthenticated and shift
    // every threshold by one. The budgets are not what these tests are about.
    overrides: { authenticate: { timeoutMs: 60_000 }, parse: { timeoutMs: 60_000 }, ...overrides },
  });
  const s = svc;
  upsertCampaign(
    s.db,
    {
      slug: CAMPAIGN,
      client: 'acme',
      name: 'Enforcement test',
      sent: delivered,
      delivered,
      startedAt: START.toISOString(),
    },
    START,
  );
  const keyring = keyringFromConfig(testConfig(tmp.dir));
  const token = (recipient: string, campaign = CAMPAIGN): string =>
    mintTraceToken({ client: 'acme', campaign, recipient, sentAt: START }, keyring);
  return {
    svc: s,
    api: apiClient(s.http, roleTokens(s.db)),
    dir: tmp.dir,
    token,
    status: () =>
      (s.db.prepare("SELECT status FROM clients WHERE slug = 'acme'").get() as { status: string }).status,
    explain: () => {
      const stages = JSON.parse(
        s.db.prepare('SELECT stages FROM messages ORDER BY id DESC LIMIT 1').pluck().get() as string,
      ) as Array<{ stage: string; outcome: string; reason: string }>;
      const assessment = s.db.prepare("SELECT assessment FROM clients WHERE slug = 'acme'").pluck().get();
      return `${stages.map((x) => `${x.stage}:${x.outcome} (${x.reason})`).join(' | ')} || assessment ${String(assessment)}`;
    },
    trustedFbl: async (recipient) => {
      await deliverAndProcess(
        s,
        'fbl@esp.example',
        await signReport(yahooFbl(recipient, token(recipient)), 'arf.mail.yahoo.com', key),
        'bounces@returns.bulk.yahoo.com',
      );
    },
    forgedFbl: async (recipient) => {
      await deliverAndProcess(
        s,
        'fbl@esp.example',
        yahooFbl(recipient, token(recipient)),
        'bounces@returns.bulk.yahoo.com',
      );
    },
  };
}

beforeEach(() => {
  seq = 0;
});
afterEach(async () => {
  await svc?.stop();
  svc = null;
  cleanup?.();
  cleanup = null;
});

/** The smallest k whose Wilson lower bound over n is strictly above the threshold: where a state must begin. */
function firstK(n: number, threshold: number): number {
  const z = zForConfidence(0.95);
  let k = 0;
  while (wilsonLowerBound(k, n, z) <= threshold) k++;
  return k;
}

describe('enforcement through the pipeline', () => {
  it('moves acme active → watch → warned → suspended as trusted complaints cross each threshold, with evidence, audit, ticket and webhook', async () => {
    const h = await harness({
      webhooks: {
        endpoints: [{ url: 'http://127.0.0.1:9/hook', secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=' }],
      },
    });
    const expected = {
      watch: firstK(1000, 0.001),
      warned: firstK(1000, 0.0015),
      suspended: firstK(1000, 0.0025),
    };
    expect(expected.watch).toBeLessThan(expected.warned);
    expect(expected.warned).toBeLessThan(expected.suspended);
    const seen: Record<string, number> = {};
    const why: string[] = [];
    for (let k = 1; k <= expected.suspended; k++) {
      await h.trustedFbl(`person${k}@yahoo.com`);
      const s = h.status();
      seen[s] ??= k;
      why.push(`#${k} ${s}: ${h.explain()}`);
    }
    expect(seen, why.join('\n')).toEqual({
      active: 1,
      watch: expected.watch,
      warned: expected.warned,
      suspended: expected.suspended,
    });

    const history = (await h.api.call('GET', '/api/v1/clients/acme/history', 'viewer')).json().items as Array<
      Record<string, unknown>
    >;
    expect(
      history.map((x) => `${String(x.from)}→${String(x.to)}:${String(x.mode)}:${String(x.actor)}`),
    ).toEqual([
      'warned→suspended:applied:system:enforcement',
      'watch→warned:applied:system:enforcement',
      'active→watch:applied:system:enforcement',
    ]);
    const evidence = history[0]!.evidence as {
      signals: Array<{ signal: string; k: number; n: number; level: string }>;
      sampleReportIds: number[];
      campaigns: string[];
    };
    expect(evidence.signals).toContainEqual(
      expect.objectContaining({
        signal: 'complaintRate',
        k: expected.suspended,
        n: 1000,
        level: 'suspended',
      }),
    );
    expect(evidence.sampleReportIds.length).toBeGreaterThan(0);
    expect(evidence.campaigns).toContain(CAMPAIGN);
    expect(String(history[0]!.reason)).toMatch(/complaint rate .* suspend/);

    const audit = h.svc.db
      .prepare("SELECT action, actor FROM audit_log WHERE target = 'acme' ORDER BY id")
      .all();
    expect(audit).toEqual([
      { action: 'client.status', actor: 'system:enforcement' },
      { action: 'client.status', actor: 'system:enforcement' },
      { action: 'client.suspend', actor: 'system:enforcement' },
    ]);
    const ticket = h.svc.db
      .prepare("SELECT id, status, subject FROM tickets WHERE incident_key LIKE 'enforcement:%'")
      .get() as { id: string; status: string; subject: string };
    expect(ticket).toMatchObject({ status: 'open', subject: 'Enforcement: acme' });
    expect(history.every((x) => x.ticketId === ticket.id)).toBe(true);
    const hooks = h.svc.db
      .prepare("SELECT payload FROM outbox WHERE kind = 'webhook' ORDER BY id")
      .all() as Array<{
      payload: string;
    }>;
    const changes = hooks
      .map(
        (r) => JSON.parse(r.payload) as { type: string; data: { from: string; to: string; client: string } },
      )
      .filter((p) => p.type === 'client.status_changed');
    expect(changes.map((p) => `${p.data.client}:${p.data.from}→${p.data.to}`)).toEqual([
      'acme:active→watch',
      'acme:watch→warned',
      'acme:warned→suspended',
    ]);

    const detail = (await h.api.call('GET', '/api/v1/clients/acme', 'viewer')).json();
    expect(detail.status).toBe('suspended');
    expect(detail.score).toBeLessThan(70);
    expect(detail.enforcement.score.factors[0]).toMatchObject({ factor: 'complaints' });
    // The decision trail of the last report names the change.
    // Staff follow the evidence from the client page to the reports' tickets.
    const staff = await loginInject(h.svc.http, h.svc.demoStaff!.email, h.svc.demoStaff!.password);
    const page = await h.svc.http.inject({
      method: 'GET',
      url: '/ui/clients/acme',
      headers: { cookie: staff.cookie },
    });
    expect(page.body).toContain(`<a href="/ui/reports/${evidence.sampleReportIds[0]!}">`);
    const jump = await h.svc.http.inject({
      method: 'GET',
      url: `/ui/reports/${evidence.sampleReportIds[0]!}`,
      headers: { cookie: staff.cookie },
    });
    expect(jump.statusCode).toBe(303);
    expect(jump.headers.location).toMatch(
      new RegExp(`^/ui/tickets/AD-[0-9A-Z]{6}\\?report=${evidence.sampleReportIds[0]!}`),
    );
    const trail = JSON.parse(
      (h.svc.db.prepare('SELECT stages FROM messages ORDER BY id DESC LIMIT 1').get() as { stages: string })
        .stages,
    ) as Array<{ stage: string; outcome: string; reason: string }>;
    expect(trail.find((t) => t.stage === 'enforcement')).toMatchObject({
      outcome: 'counted',
      reason: expect.stringMatching(
        /complaint .*: counts \[dkim-verified-fbl\] \(DKIM-verified yahoo feedback-loop report\)/,
      ),
    });
  }, 120_000);

  it('does not move for forged (unsigned) FBLs, however many, nor for 1 complaint in 50 sends', async () => {
    const h = await harness();
    for (let k = 1; k <= 12; k++) await h.forgedFbl(`forged${k}@yahoo.com`);
    expect(h.status()).toBe('active');
    const signals = h.svc.db.prepare('SELECT counts, reason FROM client_signals').all() as Array<{
      counts: number;
      reason: string;
    }>;
    expect(signals).toHaveLength(12);
    expect(signals.every((s) => s.counts === 0 && /without a passing DKIM signature/.test(s.reason))).toBe(
      true,
    );
    const detail = (await h.api.call('GET', '/api/v1/clients/acme', 'viewer')).json();
    expect(detail.enforcement.facts.total.counts).toMatchObject({ complaints: 0, uncounted: 12 });
    expect(detail.score).toBe(100);

    // A tiny campaign: one trusted complaint in 50 sends is 2 %, but below the minimum volume.
    upsertCampaign(
      h.svc.db,
      { slug: 'acme-tiny', client: 'acme', sent: 50, delivered: 50, startedAt: START.toISOString() },
      START,
    );
    h.svc.db.prepare(`UPDATE campaigns SET sent = 0, delivered = 0 WHERE slug = ?`).run(CAMPAIGN);
    await deliverAndProcess(
      h.svc,
      'fbl@esp.example',
      await signReport(
        yahooFbl('tiny@yahoo.com', h.token('tiny@yahoo.com', 'acme-tiny')),
        'arf.mail.yahoo.com',
        key,
      ),
      'bounces@returns.bulk.yahoo.com',
    );
    expect(h.status()).toBe('active');
    const after = (await h.api.call('GET', '/api/v1/clients/acme', 'viewer')).json();
    expect(after.enforcement.facts.total.counts.complaints).toBe(1);
    const tiny = after.enforcement.assessment.signals.find(
      (s: { signal: string; campaign: string | null }) =>
        s.signal === 'complaintRate' && s.campaign === 'acme-tiny',
    );
    expect(tiny).toMatchObject({ k: 1, n: 50, belowMinimum: true, level: 'active' });
  }, 120_000);

  it('dry-run records what would happen and changes nothing', async () => {
    const h = await harness({ enforcement: { mode: 'dry-run' } });
    const n = firstK(1000, 0.0025);
    for (let k = 1; k <= n; k++) await h.trustedFbl(`dry${k}@yahoo.com`);
    expect(h.status()).toBe('active');
    const history = (await h.api.call('GET', '/api/v1/clients/acme/history', 'viewer')).json()
      .items as Array<{ mode: string; to: string }>;
    expect(history.length).toBeGreaterThan(0);
    expect(history.every((x) => x.mode === 'dry-run')).toBe(true);
    expect(history[0]!.to).toBe('suspended');
    expect(
      h.svc.db.prepare("SELECT count(*) AS n FROM outbox WHERE payload LIKE '%client.status_changed%'").get(),
    ).toEqual({ n: 0 });
    expect(
      h.svc.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'client.%'").get(),
    ).toEqual({ n: 0 });
  }, 120_000);

  it('a hard bounce from a listed spam trap suspends at once and suppresses the trap everywhere; reinstatement needs consent answers', async () => {
    const h = await harness();
    expect(
      (
        await h.api.call('POST', '/api/v1/traps', 'admin', {
          address: 'Trap@Pristine.example',
          note: 'from our trap network',
        })
      ).statusCode,
    ).toBe(201);
    const bounce = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.pristine.example>',
      'To: bounces@esp.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-1@mx.pristine.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="d1"',
      '',
      '--d1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--d1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.pristine.example',
      '',
      'Final-Recipient: rfc822; trap@pristine.example',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
      '',
      '--d1',
      'Content-Type: text/rfc822-headers',
      '',
      'From: Acme <news@news.acme.example>',
      'To: trap@pristine.example',
      'Message-ID: <orig-trap@news.acme.example>',
      `List-Unsubscribe: <https://esp.example/u/${h.token('trap@pristine.example')}>`,
      '',
      '--d1--',
      '',
    ].join('\r\n');
    // Signed by the reporting MTA's domain: authenticated for the domain that claims to have sent it.
    await deliverAndProcess(
      h.svc,
      'postmaster@esp.example',
      await signReport(bounce, 'mx.pristine.example', key),
      '',
    );
    expect(h.status()).toBe('suspended');
    expect(
      h.svc.db.prepare("SELECT rule, basis FROM client_signals WHERE signal = 'trap-hit'").get(),
    ).toEqual({ rule: 'dkim-aligned', basis: 'authenticated' });
    const trapSuppression = h.svc.db
      .prepare(
        "SELECT client_id AS clientId, reason FROM suppressions WHERE address = 'trap@pristine.example' AND reason = 'trap'",
      )
      .get();
    expect(trapSuppression).toEqual({ clientId: null, reason: 'trap' });
    const history = (await h.api.call('GET', '/api/v1/clients/acme/history', 'viewer')).json()
      .items as Array<{ reason: string }>;
    expect(history[0]!.reason).toMatch(/spam-trap/);

    const consent = {
      listAgeMonths: 18,
      signupUrl: 'https://acme.example/join',
      method: 'bought',
      proof: { at: '2025-05-01T10:00:00Z', ip: '198.51.100.7', source: 'signup form' },
    };
    const refused = await h.api.call('POST', '/api/v1/clients/acme/reinstate', 'admin', {
      note: 'they promise',
      consent,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.message).toMatch(/bought/);
    expect(
      (await h.api.call('POST', '/api/v1/clients/acme/reinstate', 'admin', { note: 'no consent given' }))
        .statusCode,
    ).toBe(400);
    const ok = await h.api.call('POST', '/api/v1/clients/acme/reinstate', 'admin', {
      note: 'trap removed, list re-permissioned',
      consent: { ...consent, method: 'confirmed-opt-in' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('active');
    // The window restarts at the reinstatement: the old trap hit does not suspend again on the next assessment.
    const assessed = await h.api.call('POST', '/api/v1/clients/acme/assess', 'agent');
    expect(assessed.json().facts.status).toBe('active');
    expect(assessed.json().change).toBeNull();
    expect(h.status()).toBe('active');
    const latest = (await h.api.call('GET', '/api/v1/clients/acme/history', 'viewer')).json().items[0];
    expect(latest).toMatchObject({
      from: 'suspended',
      to: 'active',
      mode: 'applied',
      note: 'trap removed, list re-permissioned',
      consent: { method: 'confirmed-opt-in', listAgeMonths: 18, signupUrl: 'https://acme.example/join' },
    });
  }, 120_000);
});

describe('evidence that cannot be forged cheaply', () => {
  const signals = (h: Harness): Array<{ signal: string; counts: number; rule: string; reason: string }> =>
    h.svc.db.prepare('SELECT signal, counts, rule, reason FROM client_signals ORDER BY id').all() as Array<{
      signal: string;
      counts: number;
      rule: string;
      reason: string;
    }>;
  const enforcementTrail = (h: Harness): { outcome: string; reason: string } | undefined =>
    (
      JSON.parse(
        (h.svc.db.prepare('SELECT stages FROM messages ORDER BY id DESC LIMIT 1').get() as { stages: string })
          .stages,
      ) as Array<{ stage: string; outcome: string; reason: string }>
    ).find((t) => t.stage === 'enforcement');

  it('an unsigned DSN naming a blocklisting, with the client’s own trace token attached, leaves acme active', async () => {
    const h = await harness();
    await deliverAndProcess(
      h.svc,
      'postmaster@esp.example',
      dsn({
        mta: 'mx.forged.example',
        recipient: 'victim@forged.example',
        token: h.token('victim@forged.example'),
      }),
      '',
    );
    expect(h.status()).toBe('active');
    expect(signals(h)).toEqual([
      expect.objectContaining({ signal: 'blocklisting', counts: 0, rule: 'not-counted:unauthenticated' }),
    ]);
    expect(enforcementTrail(h)).toMatchObject({
      outcome: 'recorded',
      reason: expect.stringMatching(/blocklisting .*not counted \[not-counted:unauthenticated\]/),
    });
    // An unsigned hard bounce still suppresses the one recipient its token names (that harms no one else),
    // but does not count toward the hard-bounce rate.
    await deliverAndProcess(
      h.svc,
      'postmaster@esp.example',
      dsn({
        mta: 'mx.forged.example',
        recipient: 'gone@forged.example',
        token: h.token('gone@forged.example'),
        status: '5.1.1',
        diagnostic: '550 5.1.1 user unknown',
      }),
      '',
    );
    expect(h.status()).toBe('active');
    expect(
      h.svc.db.prepare("SELECT reason FROM suppressions WHERE address = 'gone@forged.example'").all(),
    ).toEqual([{ reason: expect.any(String) }]);
    expect(signals(h)[1]).toMatchObject({
      signal: 'hard-bounce',
      counts: 0,
      rule: 'not-counted:unauthenticated',
    });
  }, 120_000);

  it('three unsigned DSNs from three forged "providers" on one network do not corroborate each other', async () => {
    const h = await harness();
    for (const [i, mta] of [
      'mx.gmail-forged.example',
      'mx.yahoo-forged.example',
      'mx.outlook-forged.example',
    ].entries())
      await deliverAndProcess(
        h.svc,
        'postmaster@esp.example',
        dsn({ mta, recipient: `r${i}@list.example`, token: h.token(`r${i}@list.example`) }),
        '',
      );
    expect(h.status()).toBe('active');
    const rows = signals(h);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.counts === 0 && r.rule === 'not-counted:unauthenticated')).toBe(true);
    expect(h.svc.db.prepare('SELECT DISTINCT source_network AS n FROM client_signals').all()).toEqual([
      { n: '127.0.0.0/24' },
    ]);
  }, 120_000);

  it('three DSNs DKIM-signed by the reporting MTAs move acme as configured (watch, warned, suspended)', async () => {
    const h = await harness({
      enforcement: { thresholds: { blocklistings: { watch: 1, warn: 2, suspend: 3 } } },
    });
    const seen: string[] = [];
    for (const [i, mta] of [
      'mx.bigmail.example',
      'smtp.coolmail.example',
      'mta.nordpost.example',
    ].entries()) {
      const recipient = `b${i}@${mta.split('.').slice(1).join('.')}`;
      await deliverAndProcess(
        h.svc,
        'postmaster@esp.example',
        await signReport(dsn({ mta, recipient, token: h.token(recipient) }), mta, key),
        '',
      );
      seen.push(h.status());
    }
    expect(seen).toEqual(['watch', 'warned', 'suspended']);
    expect(signals(h).map((r) => [r.signal, r.counts, r.rule])).toEqual([
      ['blocklisting', 1, 'dkim-aligned'],
      ['blocklisting', 1, 'dkim-aligned'],
      ['blocklisting', 1, 'dkim-aligned'],
    ]);
    expect(enforcementTrail(h)?.reason).toMatch(
      /counts \[dkim-aligned\] .*DKIM d=mta\.nordpost\.example passes/,
    );
  }, 120_000);
});
