import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateReport } from '../../src/authenticate/authenticate-report.ts';
import { createFakeResolver } from '../../src/authenticate/fake-resolver.ts';
import type { DnsResolver } from '../../src/authenticate/dns-resolver.ts';
import { loadProviderRegistry } from '../../src/authenticate/provider-registry.ts';
import { arfReport, createTestKey, signReport, yahooZone } from './signed-report.ts';
import type { TestKey } from './signed-report.ts';

const providers = loadProviderRegistry();
const now = new Date();
let key: TestKey;
let signedYahoo: string;

beforeAll(async () => {
  key = createTestKey();
  signedYahoo = await signReport(arfReport(), 'arf.mail.yahoo.com', key);
});

describe('authenticateReport: DKIM and trust', () => {
  it('trusts a report whose DKIM signature passes for the provider domain', async () => {
    const result = await authenticateReport(Buffer.from(signedYahoo), {
      resolver: createFakeResolver(yahooZone(key)),
      providers,
      now,
    });
    expect(result).toMatchObject({
      dkim: 'pass',
      dkimDomains: ['arf.mail.yahoo.com'],
      dmarc: 'pass',
      arc: 'none',
      trusted: true,
      provider: 'yahoo',
      providerByPattern: 'yahoo',
    });
    expect(result.details).toEqual([
      { domain: 'arf.mail.yahoo.com', selector: 'arf', result: 'pass', comment: null },
    ]);
    expect(result.trustReason).toContain('d=arf.mail.yahoo.com');
  });

  it('fails DKIM and distrusts the same report with its body altered', async () => {
    const altered = signedYahoo.replace('Feedback-Type: abuse', 'Feedback-Type: not-spam');
    expect(altered).not.toBe(signedYahoo);
    const result = await authenticateReport(Buffer.from(altered), {
      resolver: createFakeResolver(yahooZone(key)),
      providers,
      now,
    });
    expect(result).toMatchObject({
      dkim: 'fail',
      dkimDomains: [],
      dmarc: 'fail',
      trusted: false,
      provider: null,
      providerByPattern: 'yahoo',
    });
    expect(result.details[0]).toMatchObject({
      domain: 'arf.mail.yahoo.com',
      result: 'fail',
      comment: 'body hash did not verify',
    });
  });

  it('fails DKIM when a signed header field is altered', async () => {
    const altered = signedYahoo.replace('Subject: FW: Spring sale', 'Subject: FW: Autumn sale');
    const result = await authenticateReport(Buffer.from(altered), {
      resolver: createFakeResolver(yahooZone(key)),
      providers,
      now,
    });
    expect(result).toMatchObject({ dkim: 'fail', trusted: false });
  });

  it('does not trust a valid signature from an unrelated domain on a Yahoo-looking report', async () => {
    const evilKey = createTestKey();
    const forged = await signReport(arfReport(), 'evil.example', evilKey, 'sel');
    const zone = { ...yahooZone(key), 'sel._domainkey.evil.example': { TXT: [evilKey.txt] } };
    const result = await authenticateReport(Buffer.from(forged), {
      resolver: createFakeResolver(zone),
      providers,
      now,
    });
    expect(result).toMatchObject({
      dkim: 'pass',
      dkimDomains: ['evil.example'],
      dmarc: 'fail',
      trusted: false,
      provider: null,
      providerByPattern: 'yahoo',
    });
  });

  it('gives no trust when the signing key is not published', async () => {
    const result = await authenticateReport(Buffer.from(signedYahoo), {
      resolver: createFakeResolver({}),
      providers,
      now,
    });
    expect(result).toMatchObject({ dkim: 'neutral', trusted: false, dmarc: 'none' });
    expect(result.details[0]?.comment).toBe('no key');
  });

  it('credits the member provider when the operator (Validity) signs its loop', async () => {
    const validityKey = createTestKey();
    const report = arfReport({
      from: 'feedbackloop@comcastfbl.senderscore.net',
      userAgent: 'ReturnPathFBL/1.0',
    });
    const signed = await signReport(report, 'senderscore.net', validityKey, 'rp');
    const zone = { 'rp._domainkey.senderscore.net': { TXT: [validityKey.txt] } };
    const result = await authenticateReport(Buffer.from(signed), {
      resolver: createFakeResolver(zone),
      providers,
      now,
    });
    expect(result).toMatchObject({
      dkim: 'pass',
      trusted: true,
      provider: 'comcast',
      providerByPattern: 'comcast',
    });
  });

  it('trusts a consumer-mailbox domain only for its feedback-loop From', async () => {
    const msKey = createTestKey();
    const zone = { 'selector1._domainkey.hotmail.com': { TXT: [msKey.txt] } };
    const userForward = await signReport(
      arfReport({ from: 'Jane <jane@hotmail.com>' }),
      'hotmail.com',
      msKey,
      'selector1',
    );
    const forward = await authenticateReport(Buffer.from(userForward), {
      resolver: createFakeResolver(zone),
      providers,
      now,
    });
    expect(forward).toMatchObject({
      dkim: 'pass',
      dkimDomains: ['hotmail.com'],
      trusted: false,
      provider: null,
    });

    const jmrp = await signReport(
      arfReport({ from: 'staff@hotmail.com' }),
      'hotmail.com',
      msKey,
      'selector1',
    );
    const report = await authenticateReport(Buffer.from(jmrp), {
      resolver: createFakeResolver(zone),
      providers,
      now,
    });
    expect(report).toMatchObject({
      dkim: 'pass',
      trusted: true,
      provider: 'microsoft',
      providerByPattern: 'microsoft',
    });
  });

  it('names a non-FBL signer without trusting it', async () => {
    const scKey = createTestKey();
    const signed = await signReport(
      arfReport({ from: '999999999@reports.spamcop.net' }),
      'spamcop.net',
      scKey,
      's1',
    );
    const zone = { 's1._domainkey.spamcop.net': { TXT: [scKey.txt] } };
    const result = await authenticateReport(Buffer.from(signed), {
      resolver: createFakeResolver(zone),
      providers,
      now,
    });
    expect(result).toMatchObject({ dkim: 'pass', trusted: false, provider: 'spamcop' });
  });
});

describe('authenticateReport: SPF and DMARC', () => {
  const envelope = (clientIp: string) => ({
    mailFrom: 'abuse=esp.example@returns.bulk.yahoo.com',
    clientIp,
    helo: 'n3-vm0.bullet.mail.bf1.yahoo.com',
  });

  it('does not check SPF without an envelope and says so', async () => {
    const resolver = createFakeResolver(yahooZone(key));
    const result = await authenticateReport(Buffer.from(signedYahoo), { resolver, providers, now });
    expect(result.spf).toBe('none');
    expect(result.note).toMatch(/SPF not checked: no SMTP envelope/);
    expect(resolver.queries.map((query) => query.name)).not.toContain('returns.bulk.yahoo.com');
  });

  it('passes SPF for a permitted client IP', async () => {
    const result = await authenticateReport(Buffer.from(signedYahoo), {
      resolver: createFakeResolver(yahooZone(key)),
      envelope: envelope('192.0.2.10'),
      providers,
      now,
    });
    expect(result).toMatchObject({ spf: 'pass', dkim: 'pass', trusted: true, note: null });
  });

  it('fails SPF for a client IP outside the record', async () => {
    const result = await authenticateReport(Buffer.from(signedYahoo), {
      resolver: createFakeResolver(yahooZone(key)),
      envelope: envelope('198.51.100.7'),
      providers,
      now,
    });
    expect(result).toMatchObject({ spf: 'fail', dkim: 'pass', trusted: true });
  });

  it('passes DMARC through aligned SPF alone, which still does not make the report trusted', async () => {
    const unsigned = arfReport();
    const result = await authenticateReport(Buffer.from(unsigned), {
      resolver: createFakeResolver(yahooZone(key)),
      envelope: envelope('192.0.2.10'),
      providers,
      now,
    });
    expect(result).toMatchObject({
      dkim: 'none',
      spf: 'pass',
      dmarc: 'pass',
      trusted: false,
      provider: null,
      providerByPattern: 'yahoo',
    });
  });

  it('fails DMARC when neither DKIM nor SPF aligns', async () => {
    const unsigned = arfReport();
    const result = await authenticateReport(Buffer.from(unsigned), {
      resolver: createFakeResolver(yahooZone(key)),
      envelope: envelope('198.51.100.7'),
      providers,
      now,
    });
    expect(result).toMatchObject({ dkim: 'none', spf: 'fail', dmarc: 'fail', trusted: false });
  });

  it('reports DMARC none when the author domain publishes no policy', async () => {
    const result = await authenticateReport(Buffer.from(arfReport({ from: 'someone@example.org' })), {
      resolver: createFakeResolver({}),
      providers,
      now,
    });
    expect(result).toMatchObject({ dkim: 'none', dmarc: 'none', providerByPattern: 'yahoo' });
  });

  it('skips SPF with a note when the stored client IP is not an address', async () => {
    const result = await authenticateReport(Buffer.from(signedYahoo), {
      resolver: createFakeResolver(yahooZone(key)),
      envelope: envelope('unknown'),
      providers,
      now,
    });
    expect(result.spf).toBe('none');
    expect(result.note).toContain('is not an IP address');
  });
});

describe('authenticateReport: offline, timeouts and garbage', () => {
  it('touches no network without a resolver and says so', async () => {
    const result = await authenticateReport(Buffer.from(signedYahoo), { providers, envelope: null });
    expect(result).toEqual({
      dkim: 'unchecked',
      dkimDomains: [],
      spf: 'unchecked',
      dmarc: 'unchecked',
      arc: 'unchecked',
      trusted: false,
      provider: null,
      providerByPattern: 'yahoo',
      trustReason: 'no authentication checked (offline)',
      note: 'offline: no DNS resolver, authentication not checked',
      details: [],
    });
  });

  it('returns temperror and a note within the bound when DNS never answers', async () => {
    const silent: DnsResolver = () => new Promise(() => undefined);
    const result = await authenticateReport(Buffer.from(signedYahoo), {
      resolver: silent,
      envelope: { mailFrom: 'a@returns.bulk.yahoo.com', clientIp: '192.0.2.10', helo: 'mx.example' },
      providers,
      now,
      timeoutMs: 200,
    });
    expect(result).toMatchObject({
      dkim: 'temperror',
      spf: 'temperror',
      dmarc: 'temperror',
      trusted: false,
      provider: null,
    });
    expect(result.note).toContain('did not finish within 200 ms');
  });

  it('maps a failing DNS server to temperror', async () => {
    const servfail: DnsResolver = (name) =>
      Promise.reject(Object.assign(new Error(`queryTxt ESERVFAIL ${name}`), { code: 'ESERVFAIL' }));
    const result = await authenticateReport(Buffer.from(signedYahoo), { resolver: servfail, providers, now });
    expect(result).toMatchObject({ dkim: 'temperror', dmarc: 'temperror', trusted: false });
  });

  it('survives a resolver that throws synchronously', async () => {
    const broken: DnsResolver = () => {
      throw new TypeError('boom');
    };
    const result = await authenticateReport(Buffer.from(signedYahoo), { resolver: broken, providers, now });
    expect(result.trusted).toBe(false);
    expect(result.dkim).toBe('temperror');
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256))],
    ['headers only', Buffer.from('DKIM-Signature: v=1; d=arf.mail.yahoo.com; s=arf; b=;\r\nFrom: <>\r\n')],
    [
      'broken signature',
      Buffer.from('DKIM-Signature: garbage\r\nFrom: feedback@arf.mail.yahoo.com\r\n\r\nbody\r\n'),
    ],
  ])('never throws on %s input', async (_label, raw) => {
    const online = await authenticateReport(raw, {
      resolver: createFakeResolver({}),
      providers,
      now,
      timeoutMs: 1000,
    });
    expect(online.trusted).toBe(false);
    const offline = await authenticateReport(raw, { providers });
    expect(offline.dkim).toBe('unchecked');
  });

  it('never throws when handed something that is not a Buffer', async () => {
    const result = await authenticateReport(undefined as unknown as Buffer, {
      resolver: createFakeResolver({}),
      providers,
    });
    expect(result).toMatchObject({ dkim: 'none', trusted: false });
  });
});
