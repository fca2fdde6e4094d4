import { describe, expect, it } from 'vitest';
import { compileBounceReasons } from '../../src/extract/bounce/bounce-reason-rules.ts';
import { classifyDiagnostic, reasonOfStatus } from '../../src/extract/bounce/classify-diagnostic.ts';

describe('classifyDiagnostic: texts real MTAs and providers send', () => {
  it.each([
    // dead addresses (hard)
    [
      '550 5.1.1 <a@example.org>: Recipient address rejected: User unknown in local recipient table',
      '5.1.1',
      'userunknown',
    ],
    [
      '550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking',
      '5.1.1',
      'userunknown',
    ],
    ['550 5.5.0 Requested action not taken: mailbox unavailable', '5.5.0', 'userunknown'],
    ['550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', '5.4.1', 'userunknown'],
    ['Sorry, no mailbox here by that name. (#5.1.1)', null, 'userunknown'],
    ["554 delivery error: dd This user doesn't have a example.com account", null, 'userunknown'],
    ['550 Unknown user a@example.jp', null, 'userunknown'],
    ['550 5.1.1 Benutzer unbekannt', '5.1.1', 'userunknown'],
    ['550 Utilisateur inconnu', null, 'userunknown'],
    ['550 El usuario no existe', null, 'userunknown'],
    ['550 Пользователь не найден', null, 'userunknown'],
    ['550 宛先不明のため配送できませんでした', null, 'userunknown'],
    ['550 收件人不存在', null, 'userunknown'],
    [
      '550 Host or domain name not found. Name service error for name=example.invalid type=A: Host not found',
      null,
      'hostunknown',
    ],
    ['554 5.4.4 Domain does not exist', '5.4.4', 'hostunknown'],
    ['556 5.1.10 Recipient address has null MX', '5.1.10', 'notaccept'],
    ['550 5.1.6 Mailbox has moved, no forwarding address', '5.1.6', 'hasmoved'],
    // soft on any status
    ['552 5.2.2 Mailbox full', '5.2.2', 'mailboxfull'],
    ['550 5.1.1 user@example.jp mailbox is full', '5.1.1', 'mailboxfull'],
    ['550 5.2.1 The email account that you tried to reach is disabled.', '5.2.1', 'suspend'],
    ['550 5.1.1 Recipient address rejected: Account disabled', '5.1.1', 'suspend'],
    ['550 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org', '5.7.1', 'blocklisted'],
    ["550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. (S3150)", '5.7.1', 'blocklisted'],
    ['554 192.0.2.1 blocked. CXBL', null, 'blocklisted'],
    [
      '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints',
      '4.7.0',
      'badreputation',
    ],
    ['550 5.7.1 <a@example.org>: Message rejected as spam by content filter', '5.7.1', 'spamdetected'],
    ['550 5.1.1 Message rejected as spam', '5.1.1', 'spamdetected'],
    ['554 5.7.1 Virus detected in message', '5.7.1', 'virusdetected'],
    [
      "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy",
      '5.7.26',
      'authfailure',
    ],
    [
      '550 5.7.25 The IP address sending this message does not have a PTR record setup',
      '5.7.25',
      'requireptr',
    ],
    [
      '452 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages',
      '4.2.1',
      'ratelimited',
    ],
    ['421 4.7.0 Too many connections from your host', '4.7.0', 'toomanyconn'],
    ['554 5.7.1 <a@example.org>: Relay access denied', '5.7.1', 'norelaying'],
    ['553 5.1.8 <b@example.com>: Sender address rejected: Domain not found', '5.1.8', 'rejected'],
    ['552 5.3.4 Message size exceeds fixed maximum message size', '5.3.4', 'mesgtoobig'],
    [
      'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
      null,
      'suppressed',
    ],
    ['Connection timed out', null, 'expired'],
  ] as const)('%s → %s', (text, status, reason) => {
    expect(classifyDiagnostic(text, status).reason).toBe(reason);
  });
});

describe('classifyDiagnostic: status against text', () => {
  it('lets specific text decide where it disagrees with the status, and says so', () => {
    expect(classifyDiagnostic('550 5.7.1 Recipient not found', '5.7.1')).toMatchObject({
      reason: 'userunknown',
      basis: expect.stringMatching(/status 5\.7\.1 alone would say securityerror/),
    });
    expect(classifyDiagnostic('550 5.1.1 mailbox full', '5.1.1')).toMatchObject({
      reason: 'mailboxfull',
      basis: expect.stringMatching(/status 5\.1\.1 alone would say userunknown/),
    });
  });

  it('lets a specific status decide before generic text, and says what the text would have said', () => {
    expect(classifyDiagnostic('550 5.1.1 Access denied', '5.1.1')).toMatchObject({
      reason: 'userunknown',
      basis: expect.stringMatching(/^status 5\.1\.1 .*the text alone would say blocked/),
    });
    expect(classifyDiagnostic('550 5.1.1 mailbox unavailable', '5.1.1')).toMatchObject({
      reason: 'userunknown',
    });
    expect(classifyDiagnostic('554 5.2.2 user unknown', '5.2.2')).toMatchObject({ reason: 'mailboxfull' });
  });

  it('lets generic text decide where the status is vague, then the status, then onhold and undefined', () => {
    expect(classifyDiagnostic('550 5.7.1 Access denied', '5.7.1')).toMatchObject({ reason: 'blocked' });
    expect(classifyDiagnostic('550 5.7.1 go elsewhere', '5.7.1')).toMatchObject({
      reason: 'securityerror',
      basis: 'status 5.7.1',
    });
    expect(classifyDiagnostic('451 4.7.1 try later', '4.7.1')).toMatchObject({ reason: 'blocked' });
    expect(classifyDiagnostic('554 nope', null)).toMatchObject({
      reason: 'onhold',
      basis: 'no rule matched',
    });
    expect(classifyDiagnostic('', null, true)).toMatchObject({ reason: 'expired', impliedStatus: '4.4.7' });
    expect(classifyDiagnostic('', null)).toMatchObject({ reason: 'undefined' });
    expect(classifyDiagnostic('', '2.0.0')).toMatchObject({ reason: 'delivered' });
  });

  it('gives the status the text implies when the bounce states none', () => {
    expect(classifyDiagnostic('550 No such user here', null)).toMatchObject({
      reason: 'userunknown',
      impliedStatus: '5.1.1',
    });
    expect(classifyDiagnostic('550 Unrouteable address', null)).toMatchObject({
      reason: 'hostunknown',
      impliedStatus: '5.1.2',
    });
  });

  it('reads the status table most specific first: class.subject.detail, subject.detail, subject', () => {
    expect(reasonOfStatus('5.7.1')).toBe('securityerror');
    expect(reasonOfStatus('4.7.1')).toBe('blocked');
    expect(reasonOfStatus('5.2.2')).toBe('mailboxfull');
    expect(reasonOfStatus('5.7.99')).toBe('securityerror');
    expect(reasonOfStatus('5.0.0')).toBeNull();
  });

  it('stays fast on long hostile input (bounded patterns, text capped)', () => {
    const hostile = `${'user '.repeat(5000)}${'a'.repeat(50_000)}`;
    const started = performance.now();
    classifyDiagnostic(hostile, null);
    classifyDiagnostic('x '.repeat(20_000), '5.0.0');
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('compileBounceReasons', () => {
  it('names every bad rule by index', () => {
    const bad = {
      status: { '1.1': 'userunknown' },
      rules: [
        { pattern: 'ok', reason: 'onhold' },
        { pattern: '(', reason: 'onhold' },
        { pattern: 'y', reason: 'nonsense' },
        { statusSays: ['nonsense'] },
      ],
    };
    expect(() => compileBounceReasons(bad, 'reasons.json')).toThrow(
      /rules\[1\]: pattern is not a valid regular expression[\s\S]*rules\[2\]: reason[\s\S]*rules\[3\]: statusSays/,
    );
  });

  it('rejects a malformed status key', () => {
    expect(() => compileBounceReasons({ status: { '9.9': 'userunknown' }, rules: [] })).toThrow(/status/);
  });

  it('applies a checkpoint only to the reasons it lists', () => {
    const table = compileBounceReasons({
      status: { '1.1': 'userunknown', '7.1': 'blocked' },
      rules: [{ statusSays: ['userunknown'] }, { reason: 'spamdetected', pattern: 'spam' }],
    });
    expect(classifyDiagnostic('spam', '5.1.1', false, table).reason).toBe('userunknown');
    expect(classifyDiagnostic('spam', '5.7.1', false, table).reason).toBe('spamdetected');
  });
});
