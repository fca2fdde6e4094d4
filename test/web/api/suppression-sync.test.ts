import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressHash } from '../../../src/privacy/address-hash.ts';
import {
  eraseSuppressionAddress,
  expireSuppressions,
  listSuppressions,
  removeSuppression,
  suppress,
} from '../../../src/store/suppressions-store.ts';
import { apiHarness } from './api-harness.ts';
import { clientIdBySlug } from '../../../src/store/clients-store.ts';

type Change = {
  cursor: string;
  change: 'added' | 'removed' | 'expired' | 'erased';
  id: number;
  address?: string;
  hash?: string;
  client: string | null;
  stream: string | null;
  reason: string;
};

describe('suppression sync and bulk API', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let acme: number;
  beforeAll(async () => {
    h = await apiHarness();
    acme = clientIdBySlug(h.db, 'acme')!;
  });
  afterAll(async () => {
    await h.close();
  });

  /** Every change after `since`, page by page, and the cursor to continue from. */
  async function pull(since: string, limit = 7): Promise<{ changes: Change[]; next: string }> {
    const changes: Change[] = [];
    for (;;) {
      const r = await h.call('GET', `/api/v1/suppressions?since=${since}&limit=${limit}`, 'viewer');
      expect(r.statusCode).toBe(200);
      const body = r.json<{ changes: Change[]; next: string; more: boolean }>();
      changes.push(...body.changes);
      since = body.next;
      if (!body.more) return { changes, next: since };
    }
  }

  it('a mirror built only from since pages equals the live list after any sequence of changes', async () => {
    const key = 'x'.repeat(40);
    const mirror = new Map<number, string>();
    let cursor = '0';
    const live = (): string[] =>
      listSuppressions(h.db, { limit: 100_000 })
        .map((s) => `${s.id}|${s.addressHash ?? s.address}|${s.client}|${s.stream}|${s.reason}`)
        .sort();
    const op = fc.oneof(
      fc.record({
        k: fc.constant('add' as const),
        n: fc.integer({ min: 0, max: 5 }),
        client: fc.boolean(),
        stream: fc.constantFrom(null, 'marketing'),
        expires: fc.boolean(),
      }),
      fc.record({ k: fc.constant('remove' as const), n: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ k: fc.constant('expire' as const) }),
      fc.record({ k: fc.constant('erase' as const), n: fc.integer({ min: 0, max: 5 }) }),
    );
    let clock = Date.parse('2026-01-01T00:00:00Z');
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        for (const o of ops) {
          clock += 3_600_000;
          const now = new Date(clock);
          const address = `p${'n' in o ? o.n : 0}@sync.example`;
          if (o.k === 'add')
            suppress(h.db, {
              address,
              clientId: o.client ? acme : null,
              stream: o.stream,
              reason: 'bounce',
              now,
              expiresAt: o.expires ? new Date(clock + 1_000) : null,
            });
          else if (o.k === 'remove') removeSuppression(h.db, address, undefined, undefined, { now });
          else if (o.k === 'expire') expireSuppressions(h.db, now);
          else eraseSuppressionAddress(h.db, { address, hash: addressHash(key, address), now });
        }
        const page = await pull(cursor);
        cursor = page.next;
        for (const c of page.changes) {
          if (c.change === 'added' || c.change === 'erased')
            mirror.set(c.id, `${c.id}|${c.hash ?? c.address}|${c.client}|${c.stream}|${c.reason}`);
          else mirror.delete(c.id);
        }
        expect([...mirror.values()].sort()).toEqual(live());
      }),
      { numRuns: 30 },
    );
    // Nothing new: the same cursor back, and no change.
    const idle = (await h.call('GET', `/api/v1/suppressions?since=${cursor}`, 'viewer')).json();
    expect(idle).toEqual({ changes: [], next: cursor, more: false });
  });

  it('an erased change carries the hash and never the address', async () => {
    const start = (await h.call('GET', '/api/v1/suppressions/cursor', 'viewer')).json().cursor as string;
    suppress(h.db, { address: 'gone@sync.example', clientId: acme, reason: 'complaint', now: new Date() });
    eraseSuppressionAddress(h.db, { address: 'gone@sync.example', hash: 'h'.repeat(64), now: new Date() });
    const { changes } = await pull(start);
    expect(changes.map((c) => [c.change, c.address, c.hash])).toEqual([
      ['added', undefined, 'h'.repeat(64)],
      ['erased', undefined, 'h'.repeat(64)],
    ]);
  });

  it('refuses a cursor it did not issue (400)', async () => {
    const r = await h.call('GET', '/api/v1/suppressions?since=bogus', 'viewer');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toMatch(/cursor/);
  });

  it('checks up to 1,000 addresses at once with the matching rows, 413 beyond', async () => {
    suppress(h.db, { address: '@batch.example', clientId: acme, reason: 'manual', now: new Date() });
    suppress(h.db, {
      address: 'one@check.example',
      clientId: acme,
      reason: 'complaint',
      stream: 'marketing',
      now: new Date(),
    });
    const addresses = Array.from({ length: 1000 }, (_, i) => `u${i}@free.example`);
    addresses[0] = 'x@batch.example';
    addresses[1] = 'one@check.example';
    addresses[2] = 'not an address';
    const r = await h.call('POST', '/api/v1/suppressions/check', 'viewer', {
      addresses,
      client: 'acme',
      stream: 'transactional',
    });
    expect(r.statusCode).toBe(200);
    const results = r.json().results as Array<{
      address: string;
      suppressed: boolean;
      matches: unknown[];
      error?: string;
    }>;
    expect(results).toHaveLength(1000);
    expect(results[0]).toMatchObject({
      suppressed: true,
      matches: [expect.objectContaining({ match: 'domain', pattern: '@batch.example', scope: 'client' })],
    });
    // The marketing complaint does not block transactional mail.
    expect(results[1]).toMatchObject({ address: 'one@check.example', suppressed: false });
    expect(results[2]).toMatchObject({ suppressed: false, error: expect.any(String) });
    expect(results.slice(3).every((x) => !x.suppressed)).toBe(true);
    const marketing = await h.call('POST', '/api/v1/suppressions/check', 'viewer', {
      addresses: ['one@check.example'],
      client: 'acme',
      stream: 'marketing',
    });
    expect(marketing.json().results[0].suppressed).toBe(true);
    const tooMany = await h.call('POST', '/api/v1/suppressions/check', 'viewer', {
      addresses: [...addresses, 'extra@free.example'],
    });
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().error.message).toMatch(/at most 1000/);
  });

  it('adds and removes up to 10,000 per call in one transaction with per-item results, 413 beyond', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      address: `bulk${i}@bulk.example`,
      client: 'acme',
    }));
    items[1] = { address: 'bad*@bulk.example', client: 'acme' };
    items[2] = { address: 'x@bulk.example', client: 'nosuchclient' };
    const add = await h.call('POST', '/api/v1/suppressions', 'agent', { items });
    expect(add.statusCode).toBe(200);
    const body = add.json<{
      results: Array<{ status: string; error?: string }>;
      counts: Record<string, number>;
    }>();
    expect(body.counts).toEqual({ created: 9998, invalid: 2 });
    expect(body.results[1]).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/whole domain/),
    });
    expect(body.results[2]).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/unknown client/),
    });
    const over = await h.call('POST', '/api/v1/suppressions', 'agent', { items: [...items, items[0]] });
    expect(over.statusCode).toBe(413);

    suppress(h.db, { address: 'angry@bulk.example', clientId: acme, reason: 'complaint', now: new Date() });
    const del = await h.call('DELETE', '/api/v1/suppressions', 'agent', {
      items: [
        { address: 'bulk0@bulk.example', client: 'acme' },
        { address: 'never@bulk.example', client: 'acme' },
        { address: 'angry@bulk.example', client: 'acme' },
      ],
    });
    expect(del.json().results.map((r: { status: string }) => r.status)).toEqual([
      'removed',
      'not-found',
      'refused',
    ]);
    const withWhy = await h.call('DELETE', '/api/v1/suppressions', 'agent', {
      items: [{ address: 'angry@bulk.example', client: 'acme' }],
      why: 'the recipient asked to be re-added, confirmed by phone',
    });
    expect(withWhy.json().results[0]).toMatchObject({ status: 'removed', removed: 1 });
    const single = await h.call(
      'DELETE',
      '/api/v1/suppressions?address=bulk3@bulk.example&client=acme',
      'agent',
    );
    expect(single.json()).toEqual({ removed: 1 });
  });

  it('documents request and response schemas of every suppression route', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json', 'viewer')).json();
    const post = doc.paths['/api/v1/suppressions/check'].post;
    expect(post.requestBody.content['application/json'].schema.properties.addresses).toBeDefined();
    expect(JSON.stringify(post.responses['200'].content['application/json'].schema)).toContain('matches');
    const sync = doc.paths['/api/v1/suppressions'].get.responses['200'].content['application/json'].schema;
    expect(JSON.stringify(sync)).toContain('next');
  });
});
