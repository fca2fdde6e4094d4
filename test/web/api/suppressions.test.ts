import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suppress } from '../../../src/store/suppressions-store.ts';
import { apiHarness } from './api-harness.ts';
import { clientIdBySlug } from '../../../src/store/clients-store.ts';

type Harness = Awaited<ReturnType<typeof apiHarness>>;

describe('suppressions API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await apiHarness();
    const acme = clientIdBySlug(h.db, 'acme')!;
    suppress(h.db, {
      address: 'jane@example.net',
      clientId: acme,
      reason: 'complaint',
      now: new Date('2026-11-01T00:00:00Z'),
    });
    suppress(h.db, {
      address: 'trap@example.org',
      clientId: null,
      reason: 'trap',
      note: '=HYPERLINK("x")',
      now: new Date('2026-11-02T00:00:00Z'),
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('checks one address for a client: client scope and global', async () => {
    const jane = (
      await h.call('GET', '/api/v1/suppressions/check?address=Jane@Example.net&client=acme', 'viewer')
    ).json();
    // `matches` (stream, expiry, what matched) comes beside the reasons.
    expect(jane).toMatchObject({ matches: [expect.objectContaining({ match: 'address', stream: null })] });
    expect({ ...jane, matches: undefined }).toEqual({
      matches: undefined,
      address: 'jane@example.net',
      suppressed: true,
      reasons: [
        {
          reason: 'complaint',
          scope: 'client',
          client: 'acme',
          since: '2026-11-01T00:00:00.000Z',
          evidenceReportId: null,
        },
      ],
    });
    expect(
      (
        await h.call('GET', '/api/v1/suppressions/check?address=jane@example.net&client=globex', 'viewer')
      ).json(),
    ).toMatchObject({ suppressed: false, reasons: [] });
    expect(
      (
        await h.call('GET', '/api/v1/suppressions/check?address=trap@example.org&client=globex', 'viewer')
      ).json(),
    ).toMatchObject({ suppressed: true, reasons: [{ reason: 'trap', scope: 'global' }] });
    expect(
      (await h.call('GET', '/api/v1/suppressions/check?address=trap@example.org', 'viewer')).json()
        .suppressed,
    ).toBe(true);
    const unknown = await h.call(
      'GET',
      '/api/v1/suppressions/check?address=a@example.net&client=nobody',
      'viewer',
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    // An unknown client is an error even for an address a global row suppresses (not a global-only answer).
    const unknownGlobal = await h.call(
      'GET',
      '/api/v1/suppressions/check?address=trap@example.org&client=nobody',
      'viewer',
    );
    expect(unknownGlobal.statusCode).toBe(404);
    expect(unknownGlobal.json().error.message).toContain('client "nobody" not found');
    const bad = await h.call('GET', '/api/v1/suppressions/check?address=not-an-address', 'viewer');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'invalid_input',
      details: [{ in: 'query', path: 'address' }],
    });
  });

  it('adds (201, then 200 when already there), lists, and removes with an audit entry each', async () => {
    const add = await h.call('POST', '/api/v1/suppressions', 'agent', {
      address: 'Bob@Example.com',
      client: 'globex',
      note: 'asked by phone',
    });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toMatchObject({
      created: true,
      address: 'bob@example.com',
      client: 'globex',
      reason: 'manual',
    });
    expect(
      (
        await h.call('POST', '/api/v1/suppressions', 'agent', {
          address: 'bob@example.com',
          client: 'globex',
        })
      ).statusCode,
    ).toBe(200);
    const list = (await h.call('GET', '/api/v1/suppressions?client=globex', 'viewer')).json();
    expect(list.items).toEqual([
      expect.objectContaining({
        address: 'bob@example.com',
        client: 'globex',
        createdBy: 'token:test-agent',
        count: 2,
      }),
    ]);
    expect(
      (await h.call('GET', '/api/v1/suppressions?address=*@example.org', 'viewer'))
        .json()
        .items.map((s: { address: string }) => s.address),
    ).toEqual(['trap@example.org']);

    const noScope = await h.call('DELETE', '/api/v1/suppressions?address=bob@example.com', 'agent');
    expect(noScope.statusCode).toBe(400);
    const del = await h.call('DELETE', '/api/v1/suppressions?address=bob@example.com&client=globex', 'agent');
    expect(del.json()).toEqual({ removed: 1 });
    expect(
      (await h.call('DELETE', '/api/v1/suppressions?address=bob@example.com&client=globex', 'agent'))
        .statusCode,
    ).toBe(404);
    const audit = h.db
      .prepare("SELECT actor, action, target FROM audit_log WHERE target = 'bob@example.com' ORDER BY id")
      .all();
    expect(audit).toEqual([
      { actor: 'token:test-agent', action: 'suppression.add', target: 'bob@example.com' },
      { actor: 'token:test-agent', action: 'suppression.add', target: 'bob@example.com' },
      { actor: 'token:test-agent', action: 'suppression.remove', target: 'bob@example.com' },
    ]);
    expect(
      (await h.call('POST', '/api/v1/suppressions', 'agent', { address: 'x@example.com', client: 'nobody' }))
        .statusCode,
    ).toBe(404);
    expect(
      (await h.call('POST', '/api/v1/suppressions', 'agent', { address: 'x@example.com', reason: 'because' }))
        .statusCode,
    ).toBe(400);
  });

  it('exports CSV with a header, quoting, and formula-safe cells', async () => {
    const r = await h.call('GET', '/api/v1/suppressions/export.csv', 'viewer');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    expect(r.headers['content-disposition']).toContain('attachment');
    const lines = r.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'address,client,reason,firstSeen,lastSeen,count,evidenceReportId,createdBy,note,stream,expiresAt,addressHash',
    );
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(['jane@example.net', 'trap@example.org']);
    expect(r.body).toContain(`"'=HYPERLINK(""x"")"`);
    const acme = (await h.call('GET', '/api/v1/suppressions/export.csv?client=acme', 'viewer')).body
      .trimEnd()
      .split('\r\n');
    expect(acme).toHaveLength(2);
  });

  it('exports more rows than one read chunk', async () => {
    const insert = h.db.prepare(
      "INSERT INTO suppressions (address, client_id, reason, first_seen, last_seen) VALUES (?, NULL, 'bounce', 'x', 'x')",
    );
    h.db.transaction(() => {
      for (let i = 0; i < 12_000; i++) insert.run(`bulk${i}@example.com`);
    })();
    const lines = (await h.call('GET', '/api/v1/suppressions/export.csv', 'viewer')).body
      .trimEnd()
      .split('\r\n');
    expect(lines.length).toBe(1 + 2 + 12_000);
    expect(new Set(lines).size).toBe(lines.length);
  });
});
