import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProviderRegistry } from '../../src/authenticate/provider-registry.ts';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { assessClient } from '../../src/enforcement/assess-client.ts';
import { UNAUTHENTICATED_RULE, type PlannedSignal } from '../../src/enforcement/plan-signals.ts';
import { independentSources, recordSignals } from '../../src/enforcement/record-signals.ts';
import { judgeSource, sourceNetwork, type SourceInput } from '../../src/enforcement/signal-source.ts';
import type { AuthSummary } from '../../src/report/parsed-report.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';
import { clientFacts, NOW, scope, testPolicy } from './enforcement-fixtures.ts';
import { clientIdBySlug } from '../../src/store/clients-store.ts';

const registry = loadProviderRegistry();
const auth = (over: Partial<AuthSummary> = {}): AuthSummary => ({
  dkim: 'none',
  dkimDomains: [],
  spf: 'none',
  dmarc: 'none',
  trusted: false,
  ...over,
});
const input = (over: Partial<SourceInput>): SourceInput => ({
  kind: 'bounce',
  from: 'MAILER-DAEMON@mx.pristine.example',
  auth: auth(),
  envelope: { mailFrom: '', helo: 'mx.pristine.example', clientIp: '198.51.100.23' },
  registry,
  ...over,
});

describe('judgeSource: authenticated for the domain that claims to have sent it', () => {
  it('names the rule that ties the report to its sender, or why none does', () => {
    expect(judgeSource(input({})).rule).toBeNull();
    expect(judgeSource(input({})).reason).toMatch(/^unauthenticated/);
    expect(
      judgeSource(input({ auth: auth({ dkim: 'pass', dkimDomains: ['pristine.example'] }) })),
    ).toMatchObject({
      rule: 'dkim-aligned',
      domain: 'pristine.example',
      network: '198.51.100.0/24',
    });
    // Null MAIL FROM: SPF checked the HELO identity.
    expect(judgeSource(input({ auth: auth({ spf: 'pass' }) })).rule).toBe('spf-aligned');
    // A valid signature of an unrelated domain proves nothing about the sender.
    expect(
      judgeSource(input({ auth: auth({ dkim: 'pass', dkimDomains: ['attacker.example'] }) })).rule,
    ).toBeNull();
    // A registered provider's passing signature; a consumer mailbox domain vouches only for its mail system.
    const signedByHotmail = auth({ dkim: 'pass', dkimDomains: ['hotmail.com'] });
    expect(judgeSource(input({ from: 'postmaster@relay.example', auth: signedByHotmail })).rule).toBe(
      'provider-registry',
    );
    expect(
      judgeSource(input({ kind: 'complaint', from: 'bob@relay.example', auth: signedByHotmail })).rule,
    ).toBeNull();
  });

  it('a "DSN" a person sends from a signed mailbox account is not a mail system’s report', () => {
    const fromUser = input({
      from: 'someone@gmail.com',
      auth: auth({ dkim: 'pass', dkimDomains: ['gmail.com'], spf: 'pass' }),
      envelope: { mailFrom: 'someone@gmail.com', helo: 'mail-x.google.com', clientIp: '209.85.0.1' },
    });
    expect(judgeSource(fromUser)).toMatchObject({ rule: null, reason: expect.stringMatching(/mail system/) });
    // The same person's complaint is a human complaint, authenticated for gmail.com.
    expect(judgeSource({ ...fromUser, kind: 'complaint' }).rule).toBe('dkim-aligned');
  });

  it('groups source addresses by /24 (IPv4) and /48 (IPv6)', () => {
    expect(sourceNetwork('192.0.2.200')).toBe('192.0.2.0/24');
    expect(sourceNetwork('::ffff:192.0.2.7')).toBe('192.0.2.0/24');
    expect(sourceNetwork('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(sourceNetwork('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(sourceNetwork(null)).toBeNull();
    expect(sourceNetwork('not-an-ip')).toBeNull();
  });
});

describe('corroboration by independent sources', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let db: Database;
  let acme: number;
  const since = new Date(NOW.getTime() - 30 * 86_400_000).toISOString();
  beforeEach(() => {
    tmp = tempDataDir();
    db = openDatabase(testConfig(tmp.dir));
    loadDemoIfEmpty(db, NOW);
    acme = clientIdBySlug(db, 'acme')!;
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });
  const waiting = (recipient: string): PlannedSignal => ({
    signal: 'blocklisting',
    recipient,
    mailboxProvider: null,
    counts: false,
    rule: UNAUTHENTICATED_RULE,
    basis: null,
    reason: 'not counted: bounce proven by a trace token, but unauthenticated: DKIM none',
  });
  const record = (recipient: string, domain: string, network: string, sources = 3): PlannedSignal =>
    recordSignals(db, [waiting(recipient)], {
      clientId: acme,
      campaignId: null,
      reportId: null,
      now: NOW,
      source: { domain, network },
      corroboration: { sources, since },
    }).signals[0]!;
  const stored = (): Array<{ counts: number; rule: string; basis: string | null }> =>
    db
      .prepare("SELECT counts, rule, basis FROM client_signals WHERE signal = 'blocklisting' ORDER BY id")
      .all() as Array<{ counts: number; rule: string; basis: string | null }>;

  it('counts once k distinct domains AND k distinct networks report it, and then counts the earlier ones too', () => {
    expect(record('a@x.example', 'one.example', '192.0.2.0/24').counts).toBe(false);
    expect(record('b@x.example', 'two.example', '198.51.100.0/24').counts).toBe(false);
    const third = record('c@x.example', 'three.example', '203.0.113.0/24');
    expect(third).toMatchObject({ counts: true, rule: 'corroborated-by-3-sources', basis: 'corroborated' });
    expect(third.reason).toMatch(
      /corroborated by 3 independent sources: one\.example from 192\.0\.2\.0\/24, three\.example from 203\.0\.113\.0\/24, two\.example from 198\.51\.100\.0\/24/,
    );
    expect(stored()).toEqual(
      Array.from({ length: 3 }, () => ({
        counts: 1,
        rule: 'corroborated-by-3-sources',
        basis: 'corroborated',
      })),
    );
  });

  it('distinct domains on one network, or one domain from many networks, are one source', () => {
    record('a@x.example', 'one.example', '192.0.2.0/24');
    record('b@x.example', 'two.example', '192.0.2.0/24');
    expect(record('c@x.example', 'three.example', '192.0.2.0/24').counts).toBe(false);
    record('d@x.example', 'one.example', '198.51.100.0/24');
    // Three domains and three networks seen, but no three reports that differ in both: two sources.
    expect(record('e@x.example', 'one.example', '203.0.113.0/24').counts).toBe(false);
    expect(stored().every((r) => r.counts === 0)).toBe(true);
    expect(
      independentSources([
        { domain: 'x', network: 'n1' },
        { domain: 'y', network: 'n1' },
      ]),
    ).toHaveLength(1);
    // two.example from a new network makes three: one/198.51.100, two/203.0.113, three/192.0.2.
    expect(record('f@x.example', 'two.example', '203.0.113.0/24').counts).toBe(true);
    expect(stored().every((r) => r.counts === 1)).toBe(true);
  });

  it('k is configurable', () => {
    expect(record('a@x.example', 'one.example', '192.0.2.0/24', 2).counts).toBe(false);
    expect(record('b@x.example', 'two.example', '198.51.100.0/24', 2)).toMatchObject({
      counts: true,
      rule: 'corroborated-by-2-sources',
    });
  });

  it('a signal outside the window is no source', () => {
    recordSignals(db, [waiting('old@x.example')], {
      clientId: acme,
      campaignId: null,
      reportId: null,
      now: new Date(NOW.getTime() - 40 * 86_400_000),
      source: { domain: 'old.example', network: '10.0.0.0/24' },
    });
    record('a@x.example', 'one.example', '192.0.2.0/24');
    expect(record('b@x.example', 'two.example', '198.51.100.0/24').counts).toBe(false);
  });
});

describe('the cap on unauthenticated evidence', () => {
  const trap = { counts: { trapHits: 1 } };
  const weakTrap = { ...clientFacts(trap), total: { ...scope(trap), unauthenticated: { trapHits: 1 } } };

  it('moves a client at most one level and never to suspended on evidence counted on a token alone', () => {
    const a = assessClient(weakTrap, testPolicy(), NOW);
    expect(a.target).toBe('suspended');
    expect(a.change).toMatchObject({ from: 'active', to: 'watch' });
    expect(a.cap).toMatch(/capped at watch: .*never to suspended/);
    expect(a.reasons[0]).toBe(a.cap);

    const fromWatch = assessClient({ ...weakTrap, status: 'watch' }, testPolicy(), NOW);
    expect(fromWatch.change).toMatchObject({ from: 'watch', to: 'warned' });
    const fromWarned = assessClient({ ...weakTrap, status: 'warned' }, testPolicy(), NOW);
    expect(fromWarned.change).toBeNull();
    expect(fromWarned.reasons.join(' ')).toMatch(/capped at warned/);
  });

  it('does not propose a suspension on such evidence when autoSuspend is off', () => {
    const a = assessClient({ ...weakTrap, status: 'warned' }, testPolicy({ autoSuspend: false }), NOW);
    expect(a.proposal).toBeNull();
  });

  it('leaves authenticated or corroborated evidence uncapped', () => {
    const both = { counts: { trapHits: 2 } };
    const mixed = { ...clientFacts(both), total: { ...scope(both), unauthenticated: { trapHits: 1 } } };
    const a = assessClient(mixed, testPolicy(), NOW);
    expect(a.change).toMatchObject({ from: 'active', to: 'suspended' });
    expect(a.cap).toBeNull();
    expect(assessClient(clientFacts(trap), testPolicy(), NOW).change).toMatchObject({ to: 'suspended' });
  });
});
