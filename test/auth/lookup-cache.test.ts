import { describe, expect, it } from 'vitest';
import { LookupCache } from '../../src/auth/lookup-cache.ts';

describe('LookupCache', () => {
  it('answers for ttlMs, then reads again; 0 keeps nothing; clear forgets all', () => {
    const clock = { t: 1_000 };
    const c = new LookupCache<number>(500, () => clock.t);
    c.set('acme', 1);
    clock.t += 499;
    expect(c.get('acme')).toBe(1);
    clock.t += 1;
    expect(c.get('acme')).toBeUndefined();
    c.set('acme', 1);
    c.clear();
    expect(c.get('acme')).toBeUndefined();
    const off = new LookupCache<number>(0, () => clock.t);
    off.set('acme', 1);
    expect(off.get('acme')).toBeUndefined();
  });

  it('stays bounded: past maxEntries the oldest half goes', () => {
    const c = new LookupCache<number>(60_000, () => 0, 4);
    for (let i = 0; i < 5; i++) c.set(`k${i}`, i);
    expect([0, 1, 2, 3, 4].map((i) => c.get(`k${i}`))).toEqual([undefined, undefined, 2, 3, 4]);
  });
});
