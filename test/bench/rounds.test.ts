import { describe, expect, it } from 'vitest';
import { eachRoundRow, median, medianRun, pairedRatio, type Outcome } from '../../src/bench/rounds.ts';

type Run = { perSecond: number; p99Ms: number };
const ran = (perSecond: number, p99Ms = perSecond / 10): Outcome<Run> => ({
  ok: true,
  value: { perSecond, p99Ms },
});
const notRun: Outcome<Run> = { ok: false, reason: 'PostgreSQL unreachable' };
const rate = (r: Run): number => r.perSecond;

describe('benchmark rounds: a noisy machine judged on medians', () => {
  it('takes a measured value as the median (the lower middle of an even count)', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([])).toBeNaN();
  });

  it('shows a column’s median run whole, its latency with its own throughput', () => {
    // Three rounds of two columns: SQLite, PostgreSQL.
    const rounds = [
      [ran(650, 300), ran(515)],
      [ran(480, 900), ran(391)],
      [ran(700, 250), ran(551)],
    ];
    expect(medianRun(rounds, 0, rate)).toEqual({ ok: true, value: { perSecond: 650, p99Ms: 300 } });
    expect(medianRun(rounds, 1, rate)).toEqual(ran(515));
  });

  it('uses the rounds a column ran in, and says why when it never ran', () => {
    expect(
      medianRun(
        [
          [ran(1), notRun],
          [ran(2), ran(400)],
        ],
        1,
        rate,
      ),
    ).toEqual(ran(400));
    expect(
      medianRun(
        [
          [ran(1), notRun],
          [ran(2), notRun],
        ],
        1,
        rate,
      ),
    ).toEqual(notRun);
  });

  it('pairs two columns within each round before taking the median of their ratio', () => {
    // The machine slowed down in round 2: both columns fell, their ratio did not.
    const rounds = [
      [ran(500), ran(450)],
      [ran(250), ran(230)],
      [ran(520), ran(540)],
    ];
    const r = pairedRatio(rounds, 0, 1, rate)!;
    expect(r.each.map((x) => x.toFixed(2))).toEqual(['0.90', '0.92', '1.04']);
    expect(r.median).toBeCloseTo(0.92, 2);
    // The ratio of the columns' medians would mix rounds: 450 / 500 = 0.90.
    expect(pairedRatio([[ran(500), notRun]], 0, 1, rate)).toBeNull();
  });

  it('lists every round’s figure of a column as the table prints numbers, a dash for a round it did not run in', () => {
    const rounds = [
      [ran(2218.4), ran(1272)],
      [ran(2326), notRun],
      [ran(912.6), ran(1138)],
    ];
    expect(eachRoundRow(rounds, 2, 'msg/s each round', rate)).toEqual({
      label: 'msg/s each round',
      cells: ['2,218 / 2,326 / 913', '1,272 / – / 1,138'],
    });
  });
});
