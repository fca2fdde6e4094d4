import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/api-tokens.ts';
import { frenchInlineForward, yahooFbl } from '../../src/demo/report-builders.ts';
import { addressHash } from '../../src/privacy/address-hash.ts';
import { findAddressTraces } from '../../src/store/erasure-store.ts';
import {
  deliverAndProcess,
  springSaleToken,
  startTestService,
  tempDataDir,
  testConfig,
  waitForIdle,
} from '../helpers/test-service.ts';
import { filesNaming, tablesNaming } from './address-scan.ts';

/** The person, as they typed their address; stored lower-cased in most places. */
const ADDRESS = 'Jane.Doe@Example.NET';
const LOWER = ADDRESS.toLowerCase();

type Service = Awaited<ReturnType<typeof startTestService>>;

describe('erasure of a person, end to end', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let admin: string;
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    svc.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${admin}` },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, {
      overrides: { outbox: { ackRequireAuthentication: false }, retention: { purgeIntervalMs: null } },
    });
    admin = createApiToken(svc.db, { name: 'lifecycle-admin', role: 'admin', now: new Date() }).secret;
    const token = springSaleToken(tmp.dir, LOWER);
    // She forwards the spam she got (complaint ticket, suppression, an acknowledgement written to data/outbox/).
    await deliverAndProcess(
      svc,
      'abuse@esp.example',
      frenchInlineForward({ reporter: ADDRESS, messageId: '<fwd-jane@example.net>', token, to: ADDRESS }),
    );
    // Her mailbox provider reports her as a complainant.
    await deliverAndProcess(
      svc,
      'fbl@esp.example',
      yahooFbl({
        n: 1,
        recipient: ADDRESS,
        token,
        campaign: 'acme-spring-sale',
        client: 'acme',
        domain: 'news.acme.example',
      }),
    );
    // The platform logged a send to her; she clicked one-click unsubscribe; staff suppressed her globally.
    expect(
      (
        await api('POST', '/api/v1/sends', [
          {
            messageId: '<s1@news.acme.example>',
            recipient: ADDRESS,
            client: 'acme',
            sentAt: '2026-11-20T10:00:00Z',
          },
        ])
      ).statusCode,
    ).toBe(200);
    const unsub = await svc.http.inject({
      method: 'POST',
      url: `/u/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(unsub.statusCode).toBeLessThan(300);
    expect(
      (
        await api('POST', '/api/v1/suppressions', {
          address: ADDRESS,
          reason: 'manual',
          note: `asked by ${ADDRESS}`,
        })
      ).statusCode,
    ).toBeLessThan(300);
    await waitForIdle(svc);
  }, 60_000);
  afterAll(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  it('before: the address is stored in many tables and in the written acknowledgement', () => {
    const tables = tablesNaming(svc.db, ADDRESS);
    expect(tables).toEqual(
      expect.arrayContaining([
        'message_raw.raw',
        'reports.parsed',
        'sends.recipient',
        'suppressions.address',
        'tickets.reporter',
        'audit_log.target',
      ]),
    );
    expect(readdirSync(join(tmp.dir, 'outbox')).some((f) => f.endsWith('.eml'))).toBe(true);
    expect(filesNaming(join(tmp.dir, 'outbox'), ADDRESS)).not.toEqual([]);
  });

  it('POST /api/v1/erasures leaves the address nowhere in plain text: no table, no file, not the database file', async () => {
    const res = await api('POST', '/api/v1/erasures', { address: `  ${ADDRESS} ` });
    expect(res.statusCode).toBe(201);
    const body = res.json<{
      id: number;
      hash: string;
      counts: Record<string, number>;
      remaining: unknown[];
      compacted: boolean;
    }>();
    const hash = addressHash(testConfig(tmp.dir).privacy.hashKey, LOWER);
    expect(body.hash).toBe(hash);
    expect(body.counts).toMatchObject({
      message_raw: 2,
      sends: 1,
      suppressions: expect.any(Number),
      files: 1,
    });
    expect(body.counts.outbox).toBeGreaterThanOrEqual(1);
    expect(body.remaining).toEqual([]);
    expect(body.compacted).toBe(true);
    expect(JSON.stringify(body)).not.toContain(LOWER);

    expect(tablesNaming(svc.db, ADDRESS)).toEqual([]);
    expect(findAddressTraces(svc.db, ADDRESS)).toEqual([]);
    expect(filesNaming(tmp.dir, ADDRESS)).toEqual([]);
    // The message rows stay, marked, without their bytes.
    const marked = svc.db
      .prepare(`SELECT count(*) FROM messages WHERE raw_purge_reason = 'erasure'`)
      .pluck()
      .get();
    expect(marked).toBe(2);
    // Recorded by hash only, in the erasure log and the audit log.
    const audit = svc.db
      .prepare(`SELECT detail FROM audit_log WHERE action = 'address.erase'`)
      .pluck()
      .get() as string;
    expect(JSON.parse(audit)).toMatchObject({ hash });
    const list = await api('GET', '/api/v1/erasures');
    expect(list.json()).toMatchObject({ items: [{ id: body.id, hash, actor: 'token:lifecycle-admin' }] });
  });

  it('the suppression list keeps the hash: the export shows it, checks still say suppressed', async () => {
    const hash = addressHash(testConfig(tmp.dir).privacy.hashKey, LOWER);
    const listed = await api('GET', '/api/v1/suppressions?limit=100');
    expect(listed.body).not.toContain(LOWER);
    expect(listed.body).toContain(hash);
    const csv = await api('GET', '/api/v1/suppressions/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body.toLowerCase()).not.toContain(LOWER);
    for (const client of ['acme', 'globex']) {
      const check = await api(
        'GET',
        `/api/v1/suppressions/check?address=${encodeURIComponent(ADDRESS)}&client=${client}`,
      );
      expect(check.json()).toMatchObject({ suppressed: true });
    }
  });

  it('a new complaint about the same address is recognised as already suppressed', async () => {
    const before = svc.db.prepare('SELECT count(*) FROM suppressions').pluck().get() as number;
    const q = await deliverAndProcess(
      svc,
      'fbl@esp.example',
      yahooFbl({
        n: 2,
        recipient: ADDRESS,
        token: springSaleToken(tmp.dir, LOWER),
        campaign: 'acme-spring-sale',
        client: 'acme',
        domain: 'news.acme.example',
      }),
    );
    const decisions = JSON.parse(
      svc.db
        .prepare(
          'SELECT r.decisions FROM reports r JOIN messages m ON m.id = r.message_id WHERE m.queue_id = ?',
        )
        .pluck()
        .get(q) as string,
    ) as Array<{ kind: string; refreshed?: boolean }>;
    expect(decisions.filter((d) => d.kind === 'suppress')).toEqual([
      expect.objectContaining({ kind: 'suppress', refreshed: true }),
    ]);
    expect(svc.db.prepare('SELECT count(*) FROM suppressions').pluck().get()).toBe(before);
  });
});
