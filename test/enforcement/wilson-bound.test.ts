import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wilsonLowerBound, zForConfidence } from '../../src/enforcement/wilson-bound.ts';

describe('zForConfidence', () => {
  it.each([
    [0.9, 1.644854],
    [0.95, 1.959964],
    [0.99, 2.575829],
    [0.999, 3.290527],
  ])('gives the two-sided z for %s confidence', (confidence, z) => {
    expect(zForConfidence(confidence)).toBeCloseTo(z, 6);
  });

  it('grows with confidence', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.998, noNaN: true }),
        fc.double({ min: 0.0001, max: 0.001, noNaN: true }),
        (c, step) => {
          expect(zForConfidence(c + step)).toBeGreaterThan(zForConfidence(c));
        },
      ),
    );
  });

  it.each([0, 1, -0.5, 1.5, Number.NaN])('refuses confidence %s', (confidence) => {
    expect(() => zForConfidence(confidence)).toThrow(RangeError);
  });
});

describe('wilsonLowerBound', () => {
  it('matches known values', () => {
    expect(wilsonLowerBound(1, 50, 1.96)).toBeCloseTo(0.00354, 5);
    // 10 complaints in 2,000: 0.50 % measured, but only 0.27 % is certain at 95 %.
    expect(wilsonLowerBound(10, 2000, 1.959964)).toBeCloseTo(0.002718, 6);
    expect(wilsonLowerBound(50, 100, 1.96)).toBeCloseTo(0.4038, 4);
  });

  it('is 0 with nothing observed or nothing happening', () => {
    expect(wilsonLowerBound(0, 1000, 1.96)).toBe(0);
    expect(wilsonLowerBound(0, 0, 1.96)).toBe(0);
  });

  it('is the point estimate when z is 0', () => {
    expect(wilsonLowerBound(3, 7, 0)).toBeCloseTo(3 / 7, 15);
  });

  it('refuses impossible counts', () => {
    expect(() => wilsonLowerBound(5, 4, 1.96)).toThrow(RangeError);
    expect(() => wilsonLowerBound(-1, 4, 1.96)).toThrow(RangeError);
    expect(() => wilsonLowerBound(1, -4, 1.96)).toThrow(RangeError);
    expect(() => wilsonLowerBound(1, Number.NaN, 1.96)).toThrow(RangeError);
    expect(() => wilsonLowerBound(1, 4, -1)).toThrow(RangeError);
  });

  const z = fc.double({ min: 0, max: 4, noNaN: true });
  const trials = fc
    .integer({ min: 1, max: 10_000_000 })
    .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

  it('lies between 0 and the point estimate', () => {
    fc.assert(
      fc.property(trials, z, ([k, n], zz) => {
        const bound = wilsonLowerBound(k, n, zz);
        expect(bound).toBeGreaterThanOrEqual(0);
        expect(bound).toBeLessThanOrEqual(k / n);
      }),
      { numRuns: 2000 },
    );
  });

  it('never falls when one more success is counted in the same trials', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 1_000_000 })
          .chain((n) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constant(n))),
        z,
        ([k, n], zz) => {
          expect(wilsonLowerBound(k + 1, n, zz)).toBeGreaterThanOrEqual(wilsonLowerBound(k, n, zz));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('closes in on the rate as the sample grows at a fixed rate', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 200 })
          .chain((b) => fc.tuple(fc.integer({ min: 1, max: b }), fc.constant(b))),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0.5, max: 4, noNaN: true }),
        ([a, b], m1, extra, zz) => {
          const m2 = m1 + extra;
          const small = wilsonLowerBound(a * m1, b * m1, zz);
          const large = wilsonLowerBound(a * m2, b * m2, zz);
          expect(large).toBeGreaterThanOrEqual(small);
          expect(a / b - large).toBeLessThanOrEqual(a / b - small);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
