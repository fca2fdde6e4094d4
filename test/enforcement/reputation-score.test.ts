import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  scoreFactors,
  type ScoreFactor,
  type ScoreFactorName,
} from '../../src/enforcement/enforcement-types.ts';
import { reputationScore } from '../../src/enforcement/reputation-score.ts';
import { clientFacts, testPolicy, type FactsInput } from './enforcement-fixtures.ts';

const policy = testPolicy();

function score(input: FactsInput, overrides = {}) {
  return reputationScore(clientFacts(input), testPolicy(overrides));
}

function factor(factors: ScoreFactor[], name: ScoreFactorName): ScoreFactor {
  return factors.find((f) => f.factor === name)!;
}

describe('reputationScore', () => {
  it('charges a client for its worst campaign of real volume, even when good campaigns drown it in the total', () => {
    const campaigns = [
      { campaign: 'big-clean', delivered: 240_000 },
      { campaign: 'bad-list', delivered: 2_000, counts: { complaints: 10 } },
      { campaign: 'tiny', delivered: 50, counts: { hardBounces: 10 } },
    ];
    const result = score({
      delivered: 242_050,
      sent: 242_050,
      counts: { complaints: 10, hardBounces: 10 },
      campaigns,
    });
    const complaints = factor(result.factors, 'complaints');
    expect(complaints.penalty).toBe(40);
    expect(complaints.text).toMatch(/^campaign bad-list/);
    // The tiny campaign is below the minimum volume: judged only inside the total.
    expect(factor(result.factors, 'hardBounces').text).not.toMatch(/tiny/);
    expect(result.score).toBe(60);
  });

  it('gives a clean, engaged client 100 and explains every factor at −0', () => {
    const result = score({ delivered: 50_000, sent: 50_500, engaged: 30_000 });
    expect(result.score).toBe(100);
    expect(result.factors.map((f) => f.factor).sort()).toEqual([...scoreFactors].sort());
    expect(result.factors.every((f) => f.penalty === 0 && f.text.endsWith('−0'))).toBe(true);
    expect(factor(result.factors, 'complaints').text).toBe('no complaints: −0');
  });

  it('takes complaint points in proportion to the suspend line, and says so', () => {
    const result = score({ delivered: 10_000, counts: { complaints: 12 } });
    expect(factor(result.factors, 'complaints')).toEqual({
      factor: 'complaints',
      value: 0.0012,
      penalty: 19.2,
      text: 'complaint rate 0.12 % against the 0.25 % policy: −19.2',
    });
    expect(result.score).toBe(81);
  });

  it('uses the feedback-loop-adjusted denominator for complaints', () => {
    const unknown = factor(score({ delivered: 10_000, counts: { complaints: 2 } }).factors, 'complaints');
    const fifth = factor(
      score({ delivered: 10_000, counts: { complaints: 2 }, fblShare: 0.2 }).factors,
      'complaints',
    );
    expect(unknown.value).toBeCloseTo(0.0002, 10);
    expect(fifth.value).toBeCloseTo(0.001, 10);
    expect(fifth.penalty).toBeGreaterThan(unknown.penalty);
  });

  it('takes the whole weight at or past the line, never more', () => {
    const result = score({
      delivered: 10_000,
      counts: { complaints: 500, hardBounces: 2000, trapHits: 3, blocklistings: 4 },
      engaged: 0,
    });
    expect(factor(result.factors, 'complaints').penalty).toBe(40);
    expect(factor(result.factors, 'hardBounces').penalty).toBe(20);
    expect(factor(result.factors, 'trapHits')).toMatchObject({ value: 3, penalty: 15 });
    expect(factor(result.factors, 'trapHits').text).toBe(
      '3 spam-trap hits against the policy suspend line of 1: −15',
    );
    expect(factor(result.factors, 'blocklistings').penalty).toBe(5);
    expect(factor(result.factors, 'nonEngagement')).toMatchObject({ value: 1, penalty: 10 });
    expect(result.score).toBe(10);
  });

  it('lists the biggest penalty first, ties in the usual factor order', () => {
    const result = score({
      delivered: 16_000,
      counts: { complaints: 10, hardBounces: 640, unsubscribes: 160, trapHits: 1 },
      engaged: 3200,
    });
    expect(result.factors.map((f) => `${f.factor} ${f.penalty}`)).toEqual([
      'hardBounces 16',
      'trapHits 15',
      // A tie: complaints come before unsubscribes, as in the policy's factor list.
      'complaints 10',
      'unsubscribes 10',
      'nonEngagement 6',
      'blocklistings 0',
    ]);
    expect(result.score).toBe(43);
  });

  it("weighs a small sender's rates less: the same rate costs less at 500 than at 5,000 delivered", () => {
    const small = factor(score({ delivered: 500, counts: { complaints: 1 } }).factors, 'complaints');
    const large = factor(score({ delivered: 5000, counts: { complaints: 10 } }).factors, 'complaints');
    expect(small.value).toBe(large.value);
    expect(small.penalty).toBeCloseTo(large.penalty / 2, 1);
    expect(small.text).toContain('weighed at 50 % as only 500 of the 1,000 minimum were delivered');
    expect(large.text).not.toContain('weighed');
  });

  it('charges nothing for unknown engagement, and says so', () => {
    const unknown = score({ delivered: 10_000, counts: { complaints: 3 } });
    const engaged = score({ delivered: 10_000, counts: { complaints: 3 }, engaged: 10_000 });
    expect(factor(unknown.factors, 'nonEngagement')).toMatchObject({ value: null, penalty: 0 });
    expect(factor(unknown.factors, 'nonEngagement').text).toContain('no engagement data from the ESP');
    expect(unknown.score).toBe(engaged.score);
  });

  it('lets only non-engagement beyond half the deliveries cost', () => {
    expect(factor(score({ delivered: 10_000, engaged: 5000 }).factors, 'nonEngagement').penalty).toBe(0);
    expect(factor(score({ delivered: 10_000, engaged: 2500 }).factors, 'nonEngagement').penalty).toBe(5);
  });

  it('has no rate without deliveries or sends, and costs nothing for it', () => {
    const result = score({ delivered: 0, sent: 0, counts: { complaints: 2 } });
    for (const name of ['complaints', 'hardBounces', 'unsubscribes'] as const) {
      expect(factor(result.factors, name)).toMatchObject({ value: null, penalty: 0 });
      expect(factor(result.factors, name).text).toMatch(/^no (deliveries|sends) to measure/);
    }
    expect(result.score).toBe(100);
  });

  it('falls back to reference scales when policy has no suspend line', () => {
    const thresholds = { ...policy.thresholds, complaintRate: { watch: 0.001, warn: null, suspend: null } };
    const result = score({ delivered: 10_000, counts: { complaints: 10 } }, { thresholds });
    expect(factor(result.factors, 'complaints')).toMatchObject({
      penalty: 16,
      text: 'complaint rate 0.10 % against the 0.25 % reference: −16',
    });
  });

  it('never rises as complaints grow', () => {
    fc.assert(
      fc.property(
        fc.nat(200_000),
        fc.nat(500),
        fc.nat(500),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        (delivered, k, extra, fblShare) => {
          const before = score({ delivered, counts: { complaints: k }, fblShare }).score;
          const after = score({ delivered, counts: { complaints: k + extra }, fblShare }).score;
          expect(after).toBeLessThanOrEqual(before);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('is always an integer from 0 to 100, whatever the counts and volumes', () => {
    const count = fc.nat(1_000_000);
    fc.assert(
      fc.property(
        fc.record({ delivered: count, sent: count, engaged: fc.option(count) }),
        fc.record({
          complaints: count,
          hardBounces: count,
          unsubscribes: count,
          trapHits: fc.nat(20),
          blocklistings: fc.nat(20),
        }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        (volume, counts, fblShare) => {
          const result = score({ ...volume, counts, fblShare });
          expect(Number.isInteger(result.score)).toBe(true);
          expect(result.score).toBeGreaterThanOrEqual(0);
          expect(result.score).toBeLessThanOrEqual(100);
          for (const f of result.factors) {
            expect(f.penalty).toBeGreaterThanOrEqual(0);
            expect(f.penalty).toBeLessThanOrEqual(policy.scoreWeights[f.factor]);
            expect(Math.round(f.penalty * 10) / 10).toBe(f.penalty);
          }
          const total = result.factors.reduce((sum, f) => sum + f.penalty, 0);
          expect(Math.abs(result.score - (100 - total))).toBeLessThanOrEqual(0.5 + 1e-9);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
