import { describe, expect, it } from 'vitest';
import { planActions, policyFlags } from '../../src/actions/plan-actions.ts';
import { unsubscribePolicy } from '../../src/extract/unsubscribe-policy.ts';
import { matched, policy, report, unmatched } from './plan-fixtures.ts';

const trusted = {
  dkim: 'pass',
  dkimDomains: ['arf.mail.yahoo.com'],
  spf: 'pass',
  dmarc: 'pass',
  trusted: true,
};

describe('planActions', () => {
  it('an unverified FBL naming many recipients suppresses at most the configured number (no suppression at scale)', () => {
    const plan = planActions(
      report({ complainants: ['a@x.example', 'b@x.example', 'c@x.example'] }),
      matched,
      policy,
      null,
    );
    expect(plan.suppressions.map((s) => s.address)).toEqual(['a@x.example']);
    expect(plan.skippedSuppressions).toHaveLength(2);
    expect(plan.skippedSuppressions[0]).toMatchObject({
      kind: 'skip-suppress',
      target: 'b@x.example',
      rule: 'untrusted-cap',
      reason: expect.stringMatching(/not verified/),
    });
    const verified = planActions(
      report({ complainants: ['a@x.example', 'b@x.example', 'c@x.example'], auth: trusted }),
      matched,
      policy,
      null,
    );
    expect(verified.suppressions).toHaveLength(3);
  });

  it('not-spam never suppresses; opt-out suppresses as opt-out; FBLs are never acknowledged', () => {
    expect(
      planActions(report({ feedbackType: 'not-spam', complainants: ['a@x.example'] }), matched, policy, null),
    ).toMatchObject({ suppressions: [], acknowledge: false });
    expect(
      planActions(report({ feedbackType: 'opt-out', complainants: ['a@x.example'] }), matched, policy, null)
        .suppressions[0],
    ).toMatchObject({ reason: 'opt-out' });
  });

  it('a redacted FBL complainant is recovered from attribution', () => {
    const plan = planActions(
      report({ redacted: true }),
      { ...matched, method: 'send-log', recipient: 'jane@example.net' },
      policy,
      null,
    );
    expect(plan.suppressions).toEqual([
      expect.objectContaining({
        address: 'jane@example.net',
        why: expect.stringMatching(/recovered from send-log/),
      }),
    ]);
  });

  it('a human complaint: original recipient, else the reporter; unmatched gets a ticket and an acknowledgement, but nothing to suppress', () => {
    const c = planActions(
      report({ kind: 'complaint', reporter: 'rep@example.org', complainants: ['orig@example.org'] }),
      matched,
      policy,
      null,
    );
    expect(c).toMatchObject({ acknowledge: true, ticket: { type: 'complaint', alsoIncident: true } });
    expect(c.suppressions[0]!.address).toBe('orig@example.org');
    const u = planActions(
      report({ kind: 'complaint', reporter: 'rep@example.org' }),
      unmatched,
      policy,
      null,
    );
    expect(u).toMatchObject({ suppressions: [], acknowledge: true, ticket: { type: 'unmatched' } });
    expect(u.skippedSuppressions[0]).toMatchObject({
      kind: 'skip-suppress',
      rule: 'no-client',
      reason: expect.stringMatching(/no client attributed/),
    });
  });

  it('a reporting service that redacts the recipient (SpamCop): its own per-report address is never suppressed', () => {
    const spamcop = report({ kind: 'complaint', reporter: '1234567890@reports.spamcop.net', redacted: true });
    const plan = planActions(spamcop, matched, policy, null);
    expect(plan.suppressions).toEqual([]);
    expect(plan.notes).toContainEqual(expect.objectContaining({ rule: 'complaint-redacted' }));
    expect(plan.ticket).toMatchObject({ type: 'complaint' });
    // With the recipient recovered from the trace token or send log, that recipient is suppressed.
    const recovered = planActions(spamcop, { ...matched, recipient: 'orig@example.org' }, policy, null);
    expect(recovered.suppressions.map((s) => s.address)).toEqual(['orig@example.org']);
  });

  it('bounces: hard suppresses, soft is counted only; auth-failure never suppresses', () => {
    const b = planActions(
      report({
        kind: 'bounce',
        bounces: [
          {
            recipient: 'gone@x.example',
            status: '5.1.1',
            action: 'failed',
            reason: 'userunknown',
            hard: true,
            diagnostic: null,
            remoteMta: null,
          },
          {
            recipient: 'full@x.example',
            status: '5.2.2',
            action: 'failed',
            reason: 'mailboxfull',
            hard: false,
            diagnostic: null,
            remoteMta: null,
          },
        ],
      }),
      matched,
      { ...policy, untrustedMaxSuppressions: 10 },
      null,
    );
    expect(b.suppressions.map((s) => [s.address, s.reason])).toEqual([['gone@x.example', 'bounce']]);
    expect(b.notes.map((n) => n.reason).join()).toMatch(/full@x.example: soft bounce/);
    expect(
      planActions(report({ kind: 'auth-failure', complainants: ['x@y.example'] }), matched, policy, null),
    ).toMatchObject({ suppressions: [], ticket: { type: 'auth-failure' } });
  });

  it('autoreplies are recorded only; replies go to the named ticket', () => {
    expect(planActions(report({ kind: 'autoreply' }), unmatched, policy, null)).toMatchObject({
      ticket: null,
      suppressions: [],
      acknowledge: false,
    });
    expect(planActions(report({ kind: 'reply' }), unmatched, policy, 'AD-7KQ2MX')).toMatchObject({
      replyTo: 'AD-7KQ2MX',
      ticket: null,
    });
  });
});

describe('policy flags', () => {
  it('flags an original without List-Unsubscribe, without one-click, without a body link', () => {
    const original = {
      messageId: null,
      from: null,
      to: [],
      subject: null,
      date: null,
      returnPath: null,
      headersOnly: false,
    };
    const ids = (u: ReturnType<typeof unsubscribePolicy>) =>
      report({
        original,
        identifiers: {
          traceToken: null,
          feedbackId: null,
          cfblFeedbackId: null,
          verp: null,
          listUnsubscribe: [],
          headers: {},
          unsubscribe: u,
        },
      });
    expect(policyFlags(ids(unsubscribePolicy(null, null, true, ['Buy now!'])))).toEqual([
      'no-list-unsubscribe',
      'no-unsubscribe-link-in-body',
    ]);
    expect(
      policyFlags(
        ids(
          unsubscribePolicy('<mailto:u@esp.example>', null, true, [
            'Se désinscrire : https://esp.example/u/x',
          ]),
        ),
      ),
    ).toEqual(['no-one-click-unsubscribe']);
    expect(
      policyFlags(
        ids(
          unsubscribePolicy('<https://esp.example/u/x>', 'List-Unsubscribe=One-Click', true, [
            'Abmelden: https://x.example/a',
          ]),
        ),
      ),
    ).toEqual([]);
    // inline forwards lose the headers: only the body can be judged
    expect(policyFlags(ids(unsubscribePolicy(null, null, false, ['no link here'])))).toEqual([
      'no-unsubscribe-link-in-body',
    ]);
  });
});
