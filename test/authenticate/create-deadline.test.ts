import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDeadline } from '../../src/authenticate/create-deadline.ts';
import type { Deadline } from '../../src/authenticate/create-deadline.ts';
import { createFakeResolver } from '../../src/authenticate/fake-resolver.ts';

let deadline: Deadline | null = null;
afterEach(() => deadline?.clear());

describe('createDeadline', () => {
  it('passes answers and errors through before the deadline', async () => {
    deadline = createDeadline(1000);
    const resolver = deadline.wrap(createFakeResolver({ 'example.org': { A: ['192.0.2.1'] } }));
    await expect(resolver('example.org', 'A')).resolves.toEqual(['192.0.2.1']);
    await expect(resolver('missing.example', 'A')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(deadline.expired).toBe(false);
    expect(deadline.cutOff).toBe(0);
  });

  it('cuts off pending and later lookups with ETIMEOUT', async () => {
    deadline = createDeadline(50);
    const resolver = deadline.wrap(() => new Promise(() => undefined));
    await expect(resolver('slow.example', 'TXT')).rejects.toMatchObject({
      code: 'ETIMEOUT',
      syscall: 'queryTxt',
    });
    expect(deadline.expired).toBe(true);
    await expect(resolver('later.example', 'TXT')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    expect(deadline.cutOff).toBe(2);
  });

  it('turns a synchronous throw into a rejection', async () => {
    deadline = createDeadline(1000);
    const resolver = deadline.wrap(() => {
      throw new Error('boom');
    });
    await expect(resolver('example.org', 'A')).rejects.toThrow('boom');
  });

  it('resolves the hard stop after the deadline plus the grace, not before', async () => {
    vi.useFakeTimers();
    try {
      deadline = createDeadline(40);
      let value: string | null = null;
      void deadline.after(30, () => 'stopped').then((v) => (value = v));
      await vi.advanceTimersByTimeAsync(69);
      expect(value).toBeNull();
      await vi.advanceTimersByTimeAsync(1);
      expect(value).toBe('stopped');
    } finally {
      vi.useRealTimers();
    }
  });
});
