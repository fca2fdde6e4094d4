import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessClient } from '../../src/enforcement/assess-client.ts';
import {
  clientStatuses,
  type ClientStatus,
  type SignalAssessment,
  type SignalName,
} from '../../src/enforcement/enforcement-types.ts';
import { clientFacts, daysBefore, NOW, testPolicy, type FactsInput } from './enforcement-fixtures.ts';

const policy = testPolicy();
const rank = (status: ClientStatus): number => clientStatuses.indexOf(status);

function assess(input: FactsInput, overrides = {}) {
  return assessClient(clientFacts(input), testPolicy(overrides), NOW);
}

function totalSignal(signals: SignalAssessment[], signal: SignalName): SignalAssessment {
  return signals.find((s) => s.signal === signal && s.campaign === null)!;
}

describe('assessClient: rate signals', () => {
  it('never moves an active client for 1 complaint in 50 delivered: too few to judge', () => {
    const result = assess({ delivered: 50, counts: { complaints: 1 } });
    const complaints = totalSignal(result.signals, 'complaintRate');
    expect(complaints).toMatchObject({
      k: 1,
      n: 50,
      value: 0.02,
      belowMinimum: true,
      lowerBound: null,
      level: 'active',
    });
    expect(complaints.text).toContain('below the minimum volume of 1,000');
    expect(result.target).toBe('active');
    expect(result.change).toBeNull();
    expect(result.reasons.join(' ')).toMatch(/stays active/);
  });

  it('suspends a client with 10 complaints in 2,000 delivered, and says why with the numbers', () => {
    const result = assess({ delivered: 2000, counts: { complaints: 10 } });
    const complaints = totalSignal(result.signals, 'complaintRate');
    expect(complaints.level).toBe('suspended');
    expect(complaints.threshold).toBe(0.0025);
    expect(complaints.lowerBound).toBeGreaterThan(0.0025);
    expect(complaints.text).toBe(
      'complaint rate 0.50 % (Wilson lower bound 0.27 %, 10 of 2,000 delivered) is above the suspend threshold 0.25 %',
    );
    expect(result.target).toBe('suspended');
    expect(result.change).toEqual({ from: 'active', to: 'suspended', reason: complaints.text });
    expect(result.proposal).toBeNull();
  });

  it('crosses watch, warn and suspend in that order as complaints grow in 1,000 deliveries', () => {
    const firstK = new Map<ClientStatus, number>();
    let previous: ClientStatus = 'active';
    for (let k = 0; k <= 100; k++) {
      const level = totalSignal(
        assess({ delivered: 1000, counts: { complaints: k } }).signals,
        'complaintRate',
      ).level;
      expect(rank(level)).toBeGreaterThanOrEqual(rank(previous));
      if (!firstK.has(level)) firstK.set(level, k);
      previous = level;
    }
    const watch = firstK.get('watch')!;
    const warned = firstK.get('warned')!;
    const suspended = firstK.get('suspended')!;
    expect(firstK.get('active')).toBe(0);
    expect(0).toBeLessThan(watch);
    expect(watch).toBeLessThan(warned);
    expect(warned).toBeLessThan(suspended);
    // The lower bound asks for clearly more than the threshold: 0.25 % of 1,000 is 2.5 complaints.
    expect(suspended).toBeGreaterThan(3);
  });

  it('judges the hard-bounce rate against sends and says what it is below', () => {
    const result = assess({ delivered: 2900, sent: 3000, counts: { hardBounces: 36 } });
    const bounces = totalSignal(result.signals, 'hardBounceRate');
    expect(bounces).toMatchObject({ k: 36, n: 3000, level: 'active', threshold: 0.02 });
    expect(bounces.text).toMatch(
      /^hard-bounce rate 1\.20 % \(Wilson lower bound 0\.\d\d %, 36 of 3,000 sent\): .*watch threshold 2\.00 %$/,
    );
  });

  it('keeps the rate denominator at least the count, so data glitches cannot make a rate above 100 %', () => {
    const result = assess({ delivered: 1000, sent: 10, counts: { hardBounces: 20 } });
    expect(totalSignal(result.signals, 'hardBounceRate').n).toBe(20);
  });
});

describe('assessClient: feedback-loop share', () => {
  it('measures complaints against deliveries to feedback-loop providers, so a Gmail-heavy client is judged fairly', () => {
    const base = { delivered: 10_000, counts: { complaints: 8 } };
    const unknownShare = totalSignal(assess({ ...base, fblShare: null }).signals, 'complaintRate');
    const fifth = totalSignal(assess({ ...base, fblShare: 0.2 }).signals, 'complaintRate');
    expect(unknownShare.n).toBe(10_000);
    expect(fifth.n).toBe(2000);
    expect(fifth.text).toContain('8 of 2,000 delivered to feedback-loop providers');
    expect(rank(fifth.level)).toBeGreaterThan(rank(unknownShare.level));
  });

  it('floors a tiny share at the policy floor so one complaint cannot become a huge rate', () => {
    const base = { delivered: 10_000, counts: { complaints: 2 } };
    const tiny = totalSignal(assess({ ...base, fblShare: 0.01 }).signals, 'complaintRate');
    const floor = totalSignal(assess({ ...base, fblShare: 0.1 }).signals, 'complaintRate');
    expect(tiny.n).toBe(1000);
    expect(tiny).toEqual(floor);
  });
});

describe('assessClient: scopes and counts', () => {
  it('lets one bad campaign escalate the client while the total stays clean, and names the campaign', () => {
    const result = assess({
      delivered: 100_000,
      counts: { complaints: 20 },
      campaigns: [
        { campaign: 'spring-sale', delivered: 2000, counts: { complaints: 10 } },
        { campaign: 'weekly-digest', delivered: 98_000, counts: { complaints: 10 } },
      ],
    });
    expect(totalSignal(result.signals, 'complaintRate').level).toBe('active');
    const campaign = result.signals.find(
      (s) => s.signal === 'complaintRate' && s.campaign === 'spring-sale',
    )!;
    expect(campaign.level).toBe('suspended');
    expect(campaign.text).toMatch(/^campaign spring-sale: complaint rate 0\.50 %/);
    expect(result.target).toBe('suspended');
    expect(result.change?.to).toBe('suspended');
    expect(result.change?.reason).toContain('campaign spring-sale');
    expect(result.change?.reason).not.toContain('weekly-digest');
  });

  it('lists the total scope first, counts only there, then each campaign', () => {
    const result = assess({
      delivered: 5000,
      campaigns: [
        { campaign: 'a', delivered: 2000 },
        { campaign: 'b', delivered: 3000 },
      ],
    });
    expect(result.signals.map((s) => `${s.campaign ?? 'total'}:${s.signal}`)).toEqual([
      'total:complaintRate',
      'total:hardBounceRate',
      'total:unsubscribeRate',
      'total:trapHits',
      'total:blocklistings',
      'a:complaintRate',
      'a:hardBounceRate',
      'a:unsubscribeRate',
      'b:complaintRate',
      'b:hardBounceRate',
      'b:unsubscribeRate',
    ]);
  });

  it('suspends on a single spam-trap hit, whatever the volume', () => {
    const result = assess({ delivered: 200, counts: { trapHits: 1 } });
    const traps = totalSignal(result.signals, 'trapHits');
    expect(traps).toMatchObject({ k: 1, n: null, lowerBound: null, level: 'suspended', threshold: 1 });
    expect(traps.text).toBe('1 spam-trap hit ≥ suspend threshold 1');
    expect(totalSignal(assess({ delivered: 200, counts: { trapHits: 2 } }).signals, 'trapHits').text).toBe(
      '2 spam-trap hits ≥ suspend threshold 1',
    );
    expect(result.change).toEqual({ from: 'active', to: 'suspended', reason: traps.text });
  });

  it('stops at warned without autoSuspend and proposes the suspension to staff, with the evidence', () => {
    const result = assess({ delivered: 5000, counts: { trapHits: 1 } }, { autoSuspend: false });
    expect(result.target).toBe('suspended');
    expect(result.change?.to).toBe('warned');
    expect(result.change?.reason).toContain('1 spam-trap hit');
    expect(result.proposal).toMatch(/staff must decide/);
    expect(result.proposal).toContain('1 spam-trap hit ≥ suspend threshold 1');
    expect(result.reasons.join(' ')).toMatch(/proposed to staff/);
  });

  it('keeps a warned client warned, still proposing, when autoSuspend is off', () => {
    const result = assess(
      { status: 'warned', statusChangedAt: daysBefore(2), delivered: 5000, counts: { blocklistings: 1 } },
      { autoSuspend: false },
    );
    expect(result.change).toBeNull();
    expect(result.proposal).toContain('1 blocklisting');
  });

  it('reports thresholds the policy leaves out without judging them', () => {
    const result = assess(
      { delivered: 5000, counts: { trapHits: 3 } },
      { thresholds: { ...policy.thresholds, trapHits: { watch: null, warn: null, suspend: null } } },
    );
    const traps = totalSignal(result.signals, 'trapHits');
    expect(traps).toMatchObject({ level: 'active', threshold: null });
    expect(traps.text).toBe('3 spam-trap hits: no threshold configured');
  });
});

describe('assessClient: hysteresis', () => {
  it('holds warned while rates are just under the warn line, and says which rate holds it', () => {
    // 0.14 % is under warn (0.15 %) but not under half of it.
    const result = assess({
      status: 'warned',
      statusChangedAt: daysBefore(30),
      delivered: 10_000,
      counts: { complaints: 14 },
    });
    expect(rank(result.target)).toBeLessThan(rank('warned'));
    expect(result.change).toBeNull();
    expect(result.reasons).toContain(
      'hysteresis: complaint rate 0.14 % is not yet below 50 % of the warn threshold 0.15 %',
    );
  });

  it('steps a recovered warned client down to watch after 8 days: one level, never two', () => {
    const result = assess({
      status: 'warned',
      statusChangedAt: daysBefore(8),
      delivered: 10_000,
      counts: { complaints: 5, hardBounces: 100 },
    });
    expect(result.target).toBe('active');
    expect(result.change).toMatchObject({ from: 'warned', to: 'watch' });
    expect(result.change?.reason).toMatch(/8 days in state warned/);
    expect(result.reasons.join(' ')).toMatch(/one level at a time/);
  });

  it('holds a recovered client that has spent only 3 days in its state, and says so', () => {
    const result = assess({
      status: 'warned',
      statusChangedAt: daysBefore(3),
      delivered: 10_000,
      counts: { complaints: 5 },
    });
    expect(result.change).toBeNull();
    expect(result.reasons).toContain('hysteresis: 3 of 7 days in state warned');
  });

  it('steps watch down to active against the watch thresholds', () => {
    const recovered = assess({
      status: 'watch',
      statusChangedAt: daysBefore(10),
      delivered: 10_000,
      counts: { complaints: 4 },
    });
    expect(recovered.change).toMatchObject({ from: 'watch', to: 'active' });
    // 0.06 % is below the watch line (0.10 %) but not below half of it.
    const hovering = assess({
      status: 'watch',
      statusChangedAt: daysBefore(10),
      delivered: 10_000,
      counts: { complaints: 6 },
    });
    expect(hovering.change).toBeNull();
    expect(hovering.reasons).toContain(
      'hysteresis: complaint rate 0.06 % is not yet below 50 % of the watch threshold 0.10 %',
    );
  });

  it('ignores campaign rates too small to judge when deciding a step down', () => {
    const result = assess({
      status: 'watch',
      statusChangedAt: daysBefore(10),
      delivered: 10_000,
      counts: { complaints: 4 },
      campaigns: [{ campaign: 'tiny', delivered: 40, counts: { complaints: 2 } }],
    });
    expect(result.change).toMatchObject({ from: 'watch', to: 'active' });
  });

  it('never lifts a suspension: only staff reinstate', () => {
    const result = assess({ status: 'suspended', statusChangedAt: daysBefore(90), delivered: 50_000 });
    expect(result.target).toBe('active');
    expect(result.change).toBeNull();
    expect(result.proposal).toBeNull();
    expect(result.reasons.join(' ')).toMatch(/only staff reinstate/);
  });

  it('escalates a watched client at once, regardless of days in state', () => {
    const result = assess({
      status: 'watch',
      statusChangedAt: daysBefore(1),
      delivered: 2000,
      counts: { complaints: 10 },
    });
    expect(result.change).toMatchObject({ from: 'watch', to: 'suspended' });
  });

  it('always explains itself, never skips a level down and never touches a suspension (any facts)', () => {
    const counts = fc.record({
      complaints: fc.nat(50),
      hardBounces: fc.nat(500),
      unsubscribes: fc.nat(500),
      trapHits: fc.nat(2),
      blocklistings: fc.nat(2),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...clientStatuses),
        fc.option(fc.nat(60)),
        fc.nat(20_000),
        counts,
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.boolean(),
        (status, days, delivered, c, fblShare, autoSuspend) => {
          const result = assess(
            {
              status,
              statusChangedAt: days === null ? null : daysBefore(days),
              delivered,
              counts: c,
              fblShare,
            },
            { autoSuspend },
          );
          expect(result.reasons.length).toBeGreaterThan(0);
          if (status === 'suspended') expect(result.change).toBeNull();
          if (result.change !== null) {
            expect(result.change.from).toBe(status);
            expect(result.change.reason.length).toBeGreaterThan(0);
            if (rank(result.change.to) < rank(status)) expect(rank(status) - rank(result.change.to)).toBe(1);
            if (!autoSuspend) expect(result.change.to).not.toBe('suspended');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
