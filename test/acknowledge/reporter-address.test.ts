import { describe, expect, it } from 'vitest';
import { reporterAuthentication } from '../../src/acknowledge/reporter-authentication.ts';
import { canonicalAddress, isMailAddress } from '../../src/mime/mail-address.ts';
import { singleMailbox } from '../../src/mime/single-mailbox.ts';
import { outgoingMailSchema } from '../../src/outbox/outgoing-mail.ts';
import { loadConfig } from '../../src/config/load-config.ts';

/** A header value as the header map holds it: UTF-8 octets in a latin1 string. */
const raw = (v: string): string => Buffer.from(v, 'utf8').toString('latin1');

describe('the reporter: one mailbox of From, parsed before decoding (RFC 5322 §3.4)', () => {
  it.each([
    ['Marie Dupont <marie.dupont@example.fr>', 'marie.dupont@example.fr'],
    ['"Dupont, Marie" <Marie.Dupont@Example.FR>', 'marie.dupont@example.fr'],
    ['John Q. Public <jqp@example.com>', 'jqp@example.com'],
    ['john&jane@example.org', 'john&jane@example.org'],
    ["O'Brien <o'brien+tag@example.ie>", "o'brien+tag@example.ie"],
    ['"john smith"@example.org', '"john smith"@example.org'],
    ['"jane"@example.org', 'jane@example.org'],
    ['a@b.example (Alice)', 'a@b.example'],
    ['=?utf-8?q?Ren=C3=A9?= <rene@example.fr>', 'rene@example.fr'],
    [raw('Jörg <jörg@bücher.example>'), 'jörg@xn--bcher-kva.example'],
    [raw('victim@mail.exаmple.com'), 'victim@mail.xn--exmple-4nf.com'],
  ])('%s → %s', (from, address) => {
    expect(singleMailbox(from)).toEqual({ ok: true, address });
  });

  it.each([
    ['"victim@third.example" <a@evil.example>', /display name contains an address/],
    ['victim@third.example <a@evil.example>', /display name contains an address/],
    ['=?utf-8?q?Bcc=3A_x=40y.example?= <a@evil.example>', /display name contains an address/],
    [
      `=?utf-8?b?${Buffer.from('Jo\r\nBcc: x@y.example').toString('base64')}?= <a@evil.example>`,
      /display name contains an address/,
    ],
    ['Friends: victim@third.example, a@evil.example;', /group/],
    ['undisclosed-recipients:;', /group/],
    ['<victim@third.example> <a@evil.example>', /more than one angle-addr/],
    ['victim@third.example, a@evil.example', /several mailboxes/],
    ['a@evil.example (victim@third.example)', /comment .* contains an address/],
    ['<a@evil.example> victim@third.example', /text after its angle-addr/],
  ])('%s is ambiguous', (from, reason) => {
    const m = singleMailbox(from);
    expect(m).toMatchObject({ ok: false, problem: 'ambiguous' });
    expect(m.ok === false && m.reason).toMatch(reason);
  });

  it.each(['Marie Dupont', 'a@[192.0.2.1]', '"unclosed <a@b.example>', 'a@localhost'])(
    '%s holds no valid address',
    (from) => {
      expect(singleMailbox(from)).toMatchObject({ ok: false, problem: 'invalid' });
    },
  );

  it('no From is no reporter, not an ambiguous one', () => {
    expect(singleMailbox('')).toMatchObject({ ok: false, problem: 'none' });
    expect(singleMailbox(null)).toMatchObject({ ok: false, problem: 'none' });
  });
});

describe('one address rule for parsing, acknowledgement, outbox and config', () => {
  const valid = [
    'john&jane@example.org',
    "o'brien+tag@example.ie",
    '"john smith"@example.org',
    'jörg@xn--bcher-kva.example',
    'jörg@bücher.example',
    'user@xn--p1ai.xn--p1ai',
    'x@a-b.example.co.uk',
  ];
  const invalid = [
    'a@localhost',
    'a@192.0.2.1',
    'a@[192.0.2.1]',
    'a b@example.org',
    'a..b@example.org',
    '.a@example.org',
    'a@example.org\r\nBcc: victim@example.org',
    'a@example.org, b@example.org',
    'Name <a@example.org>',
    `${'x'.repeat(65)}@example.org`,
    'a@-bad.example',
  ];

  it.each(valid)('%s is valid everywhere', (address) => {
    expect(isMailAddress(address)).toBe(true);
    expect(canonicalAddress(address)).not.toBeNull();
    expect(outgoingMailSchema.shape.to.safeParse({ name: '', address }).success).toBe(true);
  });

  it.each(invalid)('%s is invalid everywhere', (address) => {
    expect(isMailAddress(address)).toBe(false);
    expect(outgoingMailSchema.shape.to.safeParse({ name: '', address }).success).toBe(false);
  });

  it('outbox.from follows the same rule', () => {
    expect(
      loadConfig({ env: {}, overrides: { outbox: { from: 'abuse&desk@esp.example' } } }).config.outbox.from,
    ).toBe('abuse&desk@esp.example');
    expect(() => loadConfig({ env: {}, overrides: { outbox: { from: 'abuse@localhost' } } })).toThrow();
  });
});

describe("the reporter's domain authenticates (relaxed alignment, RFC 7489 §3.1)", () => {
  const auth = (over: Partial<{ dkim: string; dkimDomains: string[]; spf: string; dmarc: string }>) => ({
    dkim: 'none',
    dkimDomains: [],
    spf: 'none',
    dmarc: 'none',
    trusted: false,
    ...over,
  });

  it('by a passing DKIM signature of the same organizational domain', () => {
    expect(
      reporterAuthentication({
        reporter: 'ann@mail.example.co.uk',
        auth: auth({ dkim: 'pass', dkimDomains: ['example.co.uk'] }),
        mailFrom: '',
      }),
    ).toMatch(/DKIM signature of example\.co\.uk/);
  });

  it('by an SPF pass for a MAIL FROM of the same organizational domain', () => {
    expect(
      reporterAuthentication({
        reporter: 'ann@example.org',
        auth: auth({ spf: 'pass' }),
        mailFrom: 'bounces@lists.example.org',
      }),
    ).toMatch(/SPF passes for lists\.example\.org/);
  });

  it('never by another domain, a public suffix, or a DMARC verdict alone', () => {
    const cases = [
      {
        reporter: 'victim@third.example',
        auth: auth({ dkim: 'pass', dkimDomains: ['attacker.example'] }),
        mailFrom: '',
      },
      {
        reporter: 'victim@other.co.uk',
        auth: auth({ dkim: 'pass', dkimDomains: ['evil.co.uk'] }),
        mailFrom: '',
      },
      { reporter: 'victim@third.example', auth: auth({ spf: 'pass' }), mailFrom: 'x@attacker.example' },
      { reporter: 'victim@third.example', auth: auth({ dmarc: 'pass' }), mailFrom: '' },
      { reporter: 'victim@third.example', auth: null, mailFrom: 'victim@third.example' },
    ];
    for (const c of cases) expect(reporterAuthentication(c)).toBeNull();
  });
});
