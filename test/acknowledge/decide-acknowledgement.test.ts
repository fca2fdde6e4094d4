import { describe, expect, it } from 'vitest';
import {
  ACK_RULES,
  decideAcknowledgement,
  sourceNetwork,
  type AcknowledgementInput,
} from '../../src/acknowledge/decide-acknowledgement.ts';

/** A French reader forwarding spam from their own mailbox: everything allows the acknowledgement. */
const base = (): AcknowledgementInput => ({
  kind: 'complaint',
  reporter: 'marie.dupont@example.fr',
  mailFrom: 'marie.dupont@example.fr',
  headers: new Map([
    ['from', ['Marie Dupont <marie.dupont@example.fr>']],
    ['subject', ['Fwd: Nouveautés de printemps']],
  ]),
  reporterIssue: null,
  fromDmarc: 'pass',
  reporterAuthenticated: 'DKIM signature of example.fr passes, aligned with example.fr',
  requireAuthentication: true,
  ourAddresses: ['abuse@esp.example', 'postmaster@esp.example'],
  ourDomains: ['esp.example', 'localhost'],
  alreadyAcknowledged: false,
  sentTodayToAddress: 0,
  dailyCap: 3,
  sentThisHour: { total: 0, network: 0, domain: 0 },
  hourlyCaps: { total: 200, network: 30, domain: 50 },
  sourceNetwork: '192.0.2.0/24',
  language: 'fr',
});

const withHeader = (name: string, value: string): Partial<AcknowledgementInput> => ({
  headers: new Map([...base().headers, [name, [value]]]),
});

describe('decideAcknowledgement', () => {
  it('acknowledges a human complaint that no rule stops', () => {
    expect(decideAcknowledgement(base())).toEqual({
      send: true,
      to: 'marie.dupont@example.fr',
      language: 'fr',
    });
  });

  it('still acknowledges with Auto-Submitted: no, and DMARC none (only fail blocks)', () => {
    expect(
      decideAcknowledgement({ ...base(), ...withHeader('auto-submitted', 'no'), fromDmarc: 'none' }).send,
    ).toBe(true);
  });

  const cases: Array<[string, Partial<AcknowledgementInput>, RegExp]> = [
    ['kind-not-complaint', { kind: 'fbl' }, /FBL.*forbid/],
    ['kind-not-complaint', { kind: 'bounce' }, /bounce is never acknowledged/],
    ['kind-not-complaint', { kind: 'autoreply' }, /autoreply/],
    ['kind-not-complaint', { kind: 'auth-failure' }, /auth-failure/],
    ['kind-not-complaint', { kind: 'unsubscribe' }, /unsubscribe/],
    ['kind-not-complaint', { kind: 'reply' }, /reply/],
    ['kind-not-complaint', { kind: 'other' }, /other/],
    [
      'reporter-ambiguous',
      { reporter: null, reporterIssue: 'the From display name contains an address' },
      /display name contains an address/,
    ],
    ['no-reporter', { reporter: null }, /no reporter/],
    ['no-reporter', { reporter: 'a@example.org, b@example.org' }, /not one valid address/],
    ['no-reporter', { reporter: 'a@example.org\r\nBcc: victim@example.org' }, /not one valid address/],
    ['null-sender', { mailFrom: '' }, /null envelope sender/],
    ['null-sender', { mailFrom: '<>' }, /null envelope sender/],
    [
      'robot-sender',
      { reporter: 'MAILER-DAEMON@mx.example.org' },
      /MAILER-DAEMON@mx\.example\.org is a mail system/,
    ],
    ['robot-sender', { reporter: 'postmaster@example.org' }, /postmaster/],
    ['robot-sender', { reporter: 'no-reply@shop.example' }, /no-reply/],
    ['robot-sender', { reporter: 'noreply@shop.example' }, /noreply/],
    ['robot-sender', { reporter: 'do-not-reply@shop.example' }, /do-not-reply/],
    ['robot-sender', { mailFrom: 'owner-announce@lists.example.org' }, /envelope sender owner-announce/],
    ['robot-sender', { mailFrom: 'announce-request@lists.example.org' }, /announce-request/],
    ['auto-submitted', withHeader('auto-submitted', 'auto-replied'), /Auto-Submitted: auto-replied/],
    [
      'auto-submitted',
      withHeader('auto-submitted', 'Auto-Generated; owner-email="x@example.org"'),
      /auto-generated/,
    ],
    ['precedence-bulk', withHeader('precedence', 'bulk'), /Precedence: bulk/],
    ['precedence-bulk', withHeader('precedence', 'List'), /Precedence: list/],
    ['precedence-bulk', withHeader('precedence', 'junk'), /Precedence: junk/],
    ['list-mail', withHeader('list-id', 'Announcements <announce.lists.example.org>'), /List-Id/],
    ['list-mail', withHeader('list-unsubscribe', '<mailto:leave@lists.example.org>'), /List-Unsubscribe/],
    ['auto-response-suppressed', withHeader('x-auto-response-suppress', 'All'), /All/i],
    ['auto-response-suppressed', withHeader('x-auto-response-suppress', 'DR, AutoReply'), /autoreply/],
    ['auto-response-suppressed', withHeader('x-auto-response-suppress', 'OOF'), /oof/],
    ['own-address', { reporter: 'abuse@esp.example', mailFrom: 'abuse@esp.example' }, /our own address/],
    ['own-address', { reporter: 'Staff@ESP.example', mailFrom: 'staff@esp.example' }, /loop/],
    [
      'own-address',
      { reporter: 'ops@mail.esp.example', mailFrom: 'ops@mail.esp.example' },
      /mail\.esp\.example/,
    ],
    ['dmarc-fail', { fromDmarc: 'fail' }, /fails DMARC/],
    ['unauthenticated-reporter', { reporterAuthenticated: null }, /not authenticated.*DMARC pass/],
    [
      'unauthenticated-reporter',
      { reporterAuthenticated: null, fromDmarc: 'none' },
      /marie\.dupont@example\.fr is not authenticated/,
    ],
    ['already-acknowledged', { alreadyAcknowledged: true }, /already acknowledged on this ticket/],
    ['daily-cap', { sentTodayToAddress: 3 }, /3 acknowledgement\(s\) today \(cap 3\)/],
    ['daily-cap', { sentTodayToAddress: 0, dailyCap: 0 }, /cap 0/],
    ['hourly-cap', { sentThisHour: { total: 200, network: 0, domain: 0 } }, /this hour \(cap 200\)/],
    [
      'network-cap',
      { sentThisHour: { total: 40, network: 30, domain: 0 } },
      /from 192\.0\.2\.0\/24 \(cap 30\)/,
    ],
    ['domain-cap', { sentThisHour: { total: 60, network: 0, domain: 50 } }, /to @example\.fr \(cap 50\)/],
  ];

  it.each(cases)('rule %s blocks (%j) and says why', (rule, change, reason) => {
    const d = decideAcknowledgement({ ...base(), ...change });
    expect(d).toMatchObject({ send: false, rule });
    expect(d.send === false && d.reason).toMatch(reason);
  });

  it('does not block on X-Auto-Response-Suppress values that only suppress receipts (DR, RN)', () => {
    expect(
      decideAcknowledgement({ ...base(), ...withHeader('x-auto-response-suppress', 'DR, RN, NRN') }).send,
    ).toBe(true);
  });

  it('acknowledges an unauthenticated reporter only when outbox.ackRequireAuthentication is off', () => {
    expect(
      decideAcknowledgement({ ...base(), reporterAuthenticated: null, requireAuthentication: false }),
    ).toEqual({ send: true, to: 'marie.dupont@example.fr', language: 'fr' });
  });

  it('names the source network of an SMTP client: /24 for IPv4, /48 for IPv6', () => {
    expect(sourceNetwork('203.0.113.77')).toBe('203.0.113.0/24');
    expect(sourceNetwork('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(sourceNetwork('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(sourceNetwork('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(sourceNetwork('not-an-ip')).toBeNull();
    expect(sourceNetwork(null)).toBeNull();
  });

  it('every rule in the table is exercised above, in table order, and ids are unique', () => {
    const ids = ACK_RULES.map((r) => r.rule);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...new Set(cases.map((c) => c[0]))]).toEqual(ids);
    for (const r of ACK_RULES) expect(r.description.length).toBeGreaterThan(10);
  });

  it('checks in table order: the first blocking rule is reported', () => {
    // An FBL from MAILER-DAEMON with a null sender: the kind rule comes first.
    expect(
      decideAcknowledgement({ ...base(), kind: 'fbl', reporter: 'MAILER-DAEMON@x.example', mailFrom: '' }),
    ).toMatchObject({ rule: 'kind-not-complaint' });
    // A list mail that also fails DMARC: list-mail is checked before dmarc-fail.
    expect(
      decideAcknowledgement({ ...base(), ...withHeader('list-id', '<l.example>'), fromDmarc: 'fail' }),
    ).toMatchObject({ rule: 'list-mail' });
  });
});
