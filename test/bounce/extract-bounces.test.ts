import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BounceSource } from '../../src/extract/bounce/bounce-source.ts';
import { findEnhancedStatus } from '../../src/extract/bounce/enhanced-status.ts';
import { extractBounces } from '../../src/extract/bounce/extract-bounces.ts';
import { parseDeliveryStatus } from '../../src/extract/bounce/parse-delivery-status.ts';
import { bounceSourceFromEml } from './bounce-source-from-eml.ts';
import { CORPUS_DIR, CORPUS_PRESENT, CORPUS_SKIP_MESSAGE, readCorpusIndex } from './corpus-index.ts';

function source(overrides: Partial<BounceSource>): BounceSource {
  return {
    headers: new Map(),
    subject: '',
    from: '',
    returnPathEmpty: false,
    reportType: null,
    deliveryStatus: null,
    bodyText: '',
    originalHeaders: null,
    ...overrides,
  };
}

describe('parseDeliveryStatus', () => {
  it('reads several recipients, unfolds fields and strips address and diagnostic types (RFC 3464 §2.3)', () => {
    const records = parseDeliveryStatus(
      [
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: rfc822; a@example.org',
        'Action: failed',
        'Status: 5.1.1 (bad mailbox)',
        'Diagnostic-Code: smtp; 550 5.1.1 <a@example.org>:',
        '    user unknown',
        '',
        'Final-Recipient: rfc822;<b@example.org>',
        'Action: Delayed',
        'Status: 4.4.1',
      ].join('\r\n'),
    );
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      finalRecipient: 'a@example.org',
      action: 'failed',
      diagnostic: '550 5.1.1 <a@example.org>: user unknown',
    });
    expect(records[1]).toMatchObject({ finalRecipient: 'b@example.org', action: 'delayed', status: '4.4.1' });
  });

  it('keeps Postfix-order Final-Recipient then Original-Recipient in one group and splits unseparated groups', () => {
    const records = parseDeliveryStatus(
      [
        'Final-Recipient: rfc822; alias@example.org',
        'Original-Recipient: rfc822;list@example.org',
        'Action: failed',
        'Status: 5.1.1',
        'Final-Recipient: rfc822; c@example.org',
        'Action: failed',
        'Status: 5.2.2',
      ].join('\n'),
    );
    expect(records.map((record) => [record.originalRecipient, record.finalRecipient])).toEqual([
      ['list@example.org', 'alias@example.org'],
      [null, 'c@example.org'],
    ]);
  });
});

describe('findEnhancedStatus', () => {
  it('prefers the code after the SMTP reply code and ignores IP addresses and versions', () => {
    expect(
      findEnhancedStatus("5.1.0 - Unknown address error 550-'5.7.1 <x@example.org>... Access denied'"),
    ).toBe('5.7.1');
    expect(findEnhancedStatus('host 192.0.2.153 (Exim 4.61) said: 550 unknown')).toBeNull();
    expect(findEnhancedStatus('Sorry, no mailbox here by that name. (#5.1.1)')).toBe('5.1.1');
  });
});

describe('extractBounces on built sources', () => {
  it('returns null for mail that is not a DSN: ARF reports, read receipts, a person forwarding a bounce', () => {
    expect(
      extractBounces(
        source({
          reportType: 'feedback-report',
          subject: 'Returned mail',
          from: 'MAILER-DAEMON@example.org',
        }),
      ),
    ).toBeNull();
    expect(
      extractBounces(source({ reportType: 'disposition-notification', from: 'a@example.org' })),
    ).toBeNull();
    expect(
      extractBounces(
        source({
          from: 'Pat <pat@example.org>',
          subject: 'Fwd: Undelivered Mail Returned to Sender',
          bodyText: 'This is the mail system at host x.',
        }),
      ),
    ).toBeNull();
    expect(extractBounces(source({ from: 'Pat <pat@example.org>', subject: 'Lunch?' }))).toBeNull();
  });

  it('reports a delivered/relayed/expanded DSN as notBounce with no bounce entries', () => {
    const result = extractBounces(
      source({
        reportType: 'delivery-status',
        deliveryStatus: 'Final-Recipient: rfc822; a@example.org\nAction: delivered\nStatus: 2.0.0\n',
      }),
    );
    expect(result).toMatchObject({ notBounce: true, bounces: [], delayed: false });
    expect(result?.reason).toMatch(/not a bounce/);
  });

  it('marks a delay-only DSN as delayed with soft entries, and a mixed DSN as not delayed', () => {
    const delayed = extractBounces(
      source({
        reportType: 'delivery-status',
        deliveryStatus: 'Final-Recipient: rfc822; a@example.org\nAction: delayed\nStatus: 4.4.7\n',
      }),
    );
    expect(delayed).toMatchObject({
      delayed: true,
      bounces: [{ recipient: 'a@example.org', action: 'delayed', hard: false, status: '4.4.7' }],
    });
    const mixed = extractBounces(
      source({
        reportType: 'delivery-status',
        deliveryStatus:
          'Final-Recipient: rfc822; a@example.org\nAction: delayed\nStatus: 4.4.7\n\nFinal-Recipient: rfc822; b@example.org\nAction: failed\nStatus: 5.1.1\n',
      }),
    );
    expect(mixed?.delayed).toBe(false);
    expect(mixed?.bounces.map((bounce) => bounce.hard)).toEqual([false, true]);
  });

  it('reads RFC 3464 fields left in the body text by a broken MIME boundary (sisimai-rfc3464-35 shape)', () => {
    const result = extractBounces(
      source({
        reportType: 'delivery-status',
        from: 'Mail Delivery Subsystem <MAILER-DAEMON@example.org>',
        subject: 'Returned mail: User unknown',
        bodyText:
          'Reporting-MTA: dns; example.org\n\nFinal-Recipient: rfc822;a@example.net\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 user unknown\n',
      }),
    );
    expect(result?.bounces).toEqual([
      {
        recipient: 'a@example.net',
        status: '5.0.0',
        action: 'failed',
        reason: 'userunknown',
        hard: true,
        diagnostic: '550 user unknown',
        remoteMta: null,
      },
    ]);
    expect(result?.reason).toMatch(/^RFC 3464 fields in the body text/);
  });

  it('infers the status from the text when a text bounce carries none, and says so', () => {
    const result = extractBounces(
      source({
        from: 'Mail Delivery System <Mailer-Daemon@mx.example.org>',
        subject: 'Mail delivery failed: returning message to sender',
        bodyText:
          'This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  x@example.org\n    550 Unrouteable address\n',
      }),
    );
    // Exim says "Unrouteable address" when the recipient domain has no usable MX or A record: hostunknown (X.1.2).
    expect(result?.bounces).toEqual([
      {
        recipient: 'x@example.org',
        status: '5.1.2',
        action: 'failed',
        reason: 'hostunknown',
        hard: true,
        diagnostic: '550 Unrouteable address',
        remoteMta: null,
      },
    ]);
    expect(result?.reason).toMatch(/Exim.*inferred from hostunknown text.*→ hard/);
  });
});

const FIXTURES = resolve(import.meta.dirname, '../fixtures/bounce');

describe('golden bounce fixtures (test/fixtures/bounce)', () => {
  // ESP JSON events (esp-*) are read by their own detectors, not by the DSN/text-bounce reader.
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.eml') && !name.startsWith('esp-'));
  it.each(files)('%s', async (name) => {
    const expected = JSON.parse(
      readFileSync(resolve(FIXTURES, name.replace(/\.eml$/, '.expected.json')), 'utf8'),
    ) as { kind: string; bounces: object[] };
    const result = extractBounces(await bounceSourceFromEml(readFileSync(resolve(FIXTURES, name))));
    expect(result).not.toBeNull();
    // kind "other" is how parseMessage reports a DSN that is not a bounce (delivered/relayed).
    expect(result!.notBounce).toBe(expected.kind === 'other');
    // Like the golden parse test: the fields a fixture states must match, and one entry per recipient.
    expect(result!.bounces).toMatchObject(expected.bounces);
  });
});

/**
 * Where abusedesk's definition of hard ("the address itself is permanently undeliverable") disagrees with
 * sisimai's hardBounce, or sisimai asserts a status of its own invention, we follow abusedesk's definition.
 */
const DISAGREEMENTS: Record<string, { hard?: boolean[]; status?: string[]; why: string }> = {
  'dsn/sisimai-rfc3464-01.eml': {
    hard: [true],
    why: 'DSN says 5.1.1 "User Unknown"; sisimai reads "Not enough disk space" from the notice text',
  },
  'dsn/sisimai-lhost-postfix-01.eml': {
    hard: [true],
    why: 'Status 5.1.1 "No such user": sisimai calls it mailererror',
  },
  'dsn/sisimai-rfc3464-35.eml': {
    hard: [false, false, true],
    why: '"not a registered gateway user" is a refused sender (soft, as sisimai); "550 user unknown" is an unknown user (hard; sisimai says filtered because it places the reply after DATA); the 4.0.0 recipient is only delayed',
  },
  'dsn/sisimai-lhost-googleworkspace-01.eml': {
    status: ['5.7.1'],
    why: "5.0.918 is sisimai's private code; a misconfigured 'Send mail as' is the sender's problem (policy)",
  },
};

/** Corpus files outside dsn/ that are or are not bounces, against their folder or source's opinion. */
const NOT_BOUNCES_ELSEWHERE = [
  'other/bounceparser-boxbe-cr.eml',
  'other/bounceparser-bluebottle.eml',
  'other/sisimai-arf-26.eml',
  'other/sisimai-not-is-not-bounce-01.eml',
];

describe.skipIf(!CORPUS_PRESENT)('shared corpus: bounces', () => {
  const index = readCorpusIndex();
  const dsnFiles = [...index.keys()].filter((file) => file.startsWith('dsn/'));
  const read = async (file: string) =>
    extractBounces(await bounceSourceFromEml(readFileSync(resolve(CORPUS_DIR, file))));

  it.each(dsnFiles)('%s', async (file) => {
    const expected = index.get(file)!.expected ?? {};
    const override = DISAGREEMENTS[file];
    const result = await read(file);
    expect(result, 'a DSN must be recognised').not.toBeNull();
    expect(result!.notBounce).toBe(false);
    const bounces = result!.bounces;
    if (typeof expected.count === 'number') expect(bounces).toHaveLength(expected.count);
    else expect(bounces.length).toBeGreaterThan(0);
    const statuses =
      override?.status ?? (expected.status === undefined ? undefined : [expected.status].flat());
    if (statuses !== undefined) expect(bounces.map((bounce) => bounce.status)).toEqual(statuses);
    const hard =
      override?.hard ??
      (typeof expected.hardBounce === 'boolean'
        ? bounces.map(() => expected.hardBounce as boolean)
        : undefined);
    if (hard !== undefined) expect(bounces.map((bounce) => bounce.hard)).toEqual(hard);
    if (Array.isArray(expected.addresses))
      expect(bounces.map((bounce) => bounce.recipient)).toEqual(expected.addresses);
    expect(result!.reason).toMatch(/→ (hard|soft)/);
  });

  it('bounceparser-spam-rejection and -warning-4 get the categories their source states (spam, over_quota)', async () => {
    expect(
      (await read('dsn/bounceparser-spam-rejection.eml'))?.bounces.map((bounce) => bounce.reason),
    ).toEqual(['spamdetected']);
    expect((await read('dsn/bounceparser-warning-4.eml'))?.bounces.map((bounce) => bounce.reason)).toEqual([
      'mailboxfull',
    ]);
  });

  it('sisimai-rfc3464-07 is a delay warning', async () => {
    expect(await read('dsn/sisimai-rfc3464-07.eml')).toMatchObject({
      delayed: true,
      bounces: [{ action: 'delayed', hard: false }],
    });
  });

  it.each(NOT_BOUNCES_ELSEWHERE)(
    '%s is not a bounce (challenge-response, unsubscribe, ordinary mail)',
    async (file) => {
      expect(await read(file)).toBeNull();
    },
  );

  // Folder other/ and Mail::DeliveryStatus::BounceParser call this a non-bounce; we disagree: the recipient's MX
  // refused our server at RCPT until a person "confirms" it, so the mail was not delivered. It is a soft
  // (policy) bounce that feeds reputation, never a suppression.
  it('other/bounceparser-whitelist.eml is a soft policy bounce', async () => {
    expect(await read('other/bounceparser-whitelist.eml')).toMatchObject({
      notBounce: false,
      bounces: [{ recipient: 'john.smith@example.com', hard: false }],
    });
  });

  it('no ARF, forward, SpamCop, X-ARF, auth-failure or autoreply sample is taken for a bounce', async () => {
    const others = [...index.keys()].filter(
      (file) => /^(arf|forward|spamcop|xarf|dmarc-forensic|autoreply)\//.test(file) && file.endsWith('.eml'),
    );
    expect(others.length).toBeGreaterThan(40);
    const wrong: string[] = [];
    for (const file of others) if ((await read(file)) !== null) wrong.push(file);
    expect(wrong).toEqual([]);
  });
});

if (!CORPUS_PRESENT) it.skip(CORPUS_SKIP_MESSAGE, () => undefined);
