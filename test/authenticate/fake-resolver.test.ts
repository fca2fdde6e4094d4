import { describe, expect, it, vi } from 'vitest';
import { createFakeResolver } from '../../src/authenticate/fake-resolver.ts';

const zone = {
  'Example.org.': {
    TXT: [['v=spf1 ', 'ip4:192.0.2.0/24 -all']],
    A: ['192.0.2.1'],
    MX: [{ exchange: 'mx.example.org', priority: 10 }],
  },
};

describe('createFakeResolver', () => {
  it('answers records case-insensitively, with or without the trailing dot', async () => {
    const resolver = createFakeResolver(zone);
    await expect(resolver('example.org', 'TXT')).resolves.toEqual([['v=spf1 ', 'ip4:192.0.2.0/24 -all']]);
    await expect(resolver('EXAMPLE.ORG.', 'a')).resolves.toEqual(['192.0.2.1']);
    await expect(resolver('example.org', 'MX')).resolves.toEqual([
      { exchange: 'mx.example.org', priority: 10 },
    ]);
  });

  it('rejects like node:dns: ENOTFOUND for an unknown name, ENODATA for a missing type', async () => {
    const resolver = createFakeResolver(zone);
    await expect(resolver('nowhere.example', 'TXT')).rejects.toMatchObject({
      code: 'ENOTFOUND',
      hostname: 'nowhere.example',
      syscall: 'queryTxt',
    });
    await expect(resolver('example.org', 'AAAA')).rejects.toMatchObject({
      code: 'ENODATA',
      syscall: 'queryAaaa',
    });
    await expect(resolver('example.org', 'AAAA')).rejects.toThrow('queryAaaa ENODATA example.org');
  });

  it('records every query and hands out copies', async () => {
    const resolver = createFakeResolver(zone);
    const first = (await resolver('example.org', 'A')) as string[];
    first.push('198.51.100.1');
    await expect(resolver('example.org', 'A')).resolves.toEqual(['192.0.2.1']);
    await resolver('x.example', 'TXT').catch(() => undefined);
    expect(resolver.queries).toEqual([
      { name: 'example.org', rrtype: 'A' },
      { name: 'example.org', rrtype: 'A' },
      { name: 'x.example', rrtype: 'TXT' },
    ]);
  });

  it('delays answers when asked to', async () => {
    vi.useFakeTimers();
    try {
      const resolver = createFakeResolver(zone, { latencyMs: 50 });
      let answered = false;
      void resolver('example.org', 'A').then(() => (answered = true));
      await vi.advanceTimersByTimeAsync(49);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(answered).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
