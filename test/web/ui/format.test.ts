import { describe, expect, it } from 'vitest';
import { formatCount, relativeAge, timeAgo, utcMinute } from '../../../src/web/ui/format.ts';

const now = new Date('2026-11-30T12:00:00Z');

describe('staff-facing time and number formats', () => {
  it('reads ages the way people say them', () => {
    expect(relativeAge('2026-11-30T11:59:50Z', now)).toBe('just now');
    expect(relativeAge('2026-11-30T11:55:00Z', now)).toBe('5 min ago');
    expect(relativeAge('2026-11-30T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeAge('2026-11-28T12:00:00Z', now)).toBe('2 d ago');
    expect(relativeAge('2026-07-30T12:00:00Z', now)).toBe('4 mo ago');
    expect(relativeAge('2026-12-01T12:00:00Z', now)).toBe('in 1 d');
    expect(relativeAge('not a date', now)).toBe('not a date');
  });

  it('separates thousands and keeps the exact instant in the title', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(utcMinute('2026-11-30T08:52:31.123Z')).toBe('2026-11-30 08:52 UTC');
    expect(timeAgo('2026-11-30T11:00:00Z', now).value).toBe(
      '<time datetime="2026-11-30T11:00:00Z" title="2026-11-30 11:00 UTC" data-local="title">1 h ago</time>',
    );
  });
});
