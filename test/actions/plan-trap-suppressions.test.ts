import { describe, expect, it } from 'vitest';
import { planActions } from '../../src/actions/plan-actions.ts';
import { planSignals } from '../../src/enforcement/plan-signals.ts';
import { loadMailboxProviders } from '../../src/enforcement/mailbox-providers.ts';
import type { BounceDetail, ParsedReport } from '../../src/report/parsed-report.ts';
import { matched, policy, report, unmatched } from './plan-fixtures.ts';

const bounce = (recipient: string, hard: boolean): BounceDetail => ({
  recipient,
  status: hard ? '5.1.1' : '4.2.2',
  action: hard ? 'failed' : 'delayed',
  reason: hard ? 'userunknown' : 'mailboxfull',
  hard,
  diagnostic: null,
  remoteMta: null,
});
const isTrap = (a: string): boolean => a.startsWith('trap');
const traps = (r: ParsedReport, a = matched) =>
  planActions(r, a, policy, null, isTrap).suppressions.filter((s) => s.reason === 'trap');

describe('trap suppressions in the plan', () => {
  it('suppresses a listed trap globally, past the cap for unverified reports, also when it only soft-bounced', () => {
    const r = report({
      kind: 'bounce',
      bounces: [
        bounce('gone@x.example', true),
        bounce('Trap1@x.example', false),
        bounce('trap2@x.example', true),
      ],
    });
    const plan = planActions(r, matched, policy, null, isTrap);
    expect(plan.suppressions.map((s) => [s.address, s.reason, s.global, s.rule])).toEqual([
      ['gone@x.example', 'bounce', false, 'hard-bounce'],
      ['trap1@x.example', 'trap', true, 'spam-trap'],
      ['trap2@x.example', 'trap', true, 'spam-trap'],
    ]);
    expect(plan.skippedSuppressions.map((s) => s.target)).toEqual(['trap2@x.example']); // its bounce suppression hit the cap; the trap one does not
  });

  it('only for an attributed report, and never for not-spam or opt-out FBLs or unsubscribes', () => {
    expect(traps(report({ complainants: ['trap@x.example'] }))).toHaveLength(1);
    expect(traps(report({ complainants: ['trap@x.example'] }), unmatched)).toEqual([]);
    expect(traps(report({ feedbackType: 'not-spam', complainants: ['trap@x.example'] }))).toEqual([]);
    expect(traps(report({ feedbackType: 'opt-out', complainants: ['trap@x.example'] }))).toEqual([]);
    expect(traps(report({ kind: 'unsubscribe', reporter: 'trap@x.example' }))).toEqual([]);
    expect(
      traps(report({ kind: 'complaint', reporter: 'rep@x.example', complainants: ['trap@x.example'] })),
    ).toHaveLength(1);
  });

  it('names the addresses enforcement records a trap hit for', () => {
    const providers = loadMailboxProviders();
    const cases = [
      report({ complainants: ['trap@x.example'] }),
      report({ kind: 'complaint', reporter: 'rep@x.example', complainants: ['trap@x.example'] }),
      report({
        kind: 'bounce',
        bounces: [
          bounce('trap1@x.example', false),
          bounce('trap2@x.example', true),
          bounce('ok@x.example', true),
        ],
      }),
      report({ kind: 'unsubscribe', reporter: 'trap@x.example' }),
      report({ feedbackType: 'opt-out', complainants: ['trap@x.example'] }),
    ];
    for (const r of cases) {
      const hits = planSignals(r, matched, { countTokenProven: true, providers, isTrap })
        .filter((s) => s.signal === 'trap-hit')
        .map((s) => s.recipient);
      expect(traps(r).map((s) => s.address)).toEqual([...new Set(hits)]);
    }
  });
});
