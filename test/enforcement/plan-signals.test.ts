import { describe, expect, it } from 'vitest';
import type { Attribution } from '../../src/attribute/attribution.ts';
import { planSignals } from '../../src/enforcement/plan-signals.ts';
import { loadMailboxProviders } from '../../src/enforcement/mailbox-providers.ts';
import type { BounceDetail, ParsedReport } from '../../src/report/parsed-report.ts';
import { emptyReport } from '../../src/parse/empty-report.ts';

const tokenProven: Attribution = {
  method: 'trace-token',
  confidence: 1,
  clientId: 1,
  client: 'acme',
  campaignId: 2,
  campaign: 'acme-spring-sale',
  recipient: null,
  sendId: null,
  reason: 'trace token',
  hits: [],
  rejectedToken: false,
};
const options = { countTokenProven: true, providers: loadMailboxProviders(), isTrap: () => false };

function bounceReport(bounces: BounceDetail[]): ParsedReport {
  return { ...emptyReport('bounce', 'r'), reporter: 'mailer-daemon@mx.example.org', bounces };
}

const bounce = (
  recipient: string,
  reason: BounceDetail['reason'],
  hard: boolean,
  diagnostic: string,
): BounceDetail => ({
  recipient,
  status: hard ? '5.1.1' : '5.7.1',
  action: 'failed',
  reason,
  hard,
  diagnostic,
  remoteMta: null,
});

describe('planSignals for bounces', () => {
  it('counts a blocklisting from the parsed reason alone, not from a second reading of the text', () => {
    const signals = planSignals(
      bounceReport([
        bounce(
          'a@example.org',
          'blocklisted',
          false,
          '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
        ),
        bounce('b@example.org', 'badreputation', false, '550 5.7.1 Poor reputation of the sending IP'),
        // Names a blocklist's site but the parser decided it is about the content: a soft bounce, no blocklisting.
        bounce('c@example.org', 'spamdetected', false, '550 spam content, see spamhaus.org for help'),
        bounce('d@example.org', 'userunknown', true, '550 5.1.1 user unknown'),
      ]),
      tokenProven,
      options,
    );
    expect(signals.map((s) => [s.recipient, s.signal])).toEqual([
      ['a@example.org', 'blocklisting'],
      ['b@example.org', 'blocklisting'],
      ['c@example.org', 'soft-bounce'],
      ['d@example.org', 'hard-bounce'],
    ]);
    expect(signals[0]!.reason).toMatch(/blocklisting \(blocklisted\)/);
  });
});
