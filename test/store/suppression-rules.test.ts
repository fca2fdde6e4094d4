import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { addressHash } from '../../src/privacy/address-hash.ts';
import { suppressionChangesSince } from '../../src/store/suppression-changes-store.ts';
import { parseSuppressionTarget } from '../../src/store/suppression-target.ts';
import {
  checkSuppressions,
  eraseSuppressionAddress,
  expireSuppressions,
  hasClientSuppression,
  isSuppressed,
  listSuppressions,
  removeSuppression,
  suppress,
} from '../../src/store/suppressions-store.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';
import { clientIdBySlug } from '../../src/store/clients-store.ts';

const KEY = 'k'.repeat(40);
const t0 = new Date('2026-03-01T00:00:00Z');
const day = (n: number): Date => new Date(t0.getTime() + n * 86_400_000);

describe('suppression rules in the store', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let db: Database;
  let acme: number;
  let globex: number;
  beforeEach(() => {
    tmp = tempDataDir();
    db = openDatabase(testConfig(tmp.dir));
    loadDemoIfEmpty(db, t0);
    const id = (slug: string): number => clientIdBySlug(db, slug)!;
    acme = id('acme');
    globex = id('globex');
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it("logs each addition with the suppression's own id, inside a transaction as outside one", () => {
    suppress(db, { address: 'first@example.net', clientId: acme, reason: 'complaint', now: t0 });
    db.transaction(() => {
      // A refresh between two additions: the log row of the second must not take the refreshed one's id.
      suppress(db, { address: 'second@example.net', clientId: globex, reason: 'complaint', now: t0 });
      suppress(db, { address: 'first@example.net', clientId: acme, reason: 'complaint', now: day(1) });
      const third = suppress(db, { address: 'third@example.net', clientId: null, reason: 'trap', now: t0 });
      expect(third.created).toBe(true);
      expect(third.id).toBe(
        db.prepare("SELECT id FROM suppressions WHERE address = 'third@example.net'").pluck().get(),
      );
    })();
    const ids = new Map(
      (
        db.prepare('SELECT id, address FROM suppressions').all() as Array<{ id: number; address: string }>
      ).map((r) => [r.address, r.id]),
    );
    const log = suppressionChangesSince(db, { afterId: 0, limit: 10 });
    expect(log.map((c) => [c.change, c.address, c.suppressionId])).toEqual([
      ['added', 'first@example.net', ids.get('first@example.net')],
      ['added', 'second@example.net', ids.get('second@example.net')],
      ['added', 'third@example.net', ids.get('third@example.net')],
    ]);
  });

  it('erasure keeps only the keyed hash, and the checks still match the address by it', () => {
    suppress(db, { address: 'Jane@Example.net', clientId: acme, reason: 'complaint', now: t0 });
    suppress(db, { address: 'jane@example.net', clientId: null, reason: 'trap', now: t0 });
    suppress(db, { address: 'other@example.net', clientId: acme, reason: 'complaint', now: t0 });
    const hash = addressHash(KEY, 'jane@example.net');
    expect(eraseSuppressionAddress(db, { address: 'JANE@example.net', hash, now: day(1) })).toBe(2);

    const stored = db.prepare('SELECT address, address_hash FROM suppressions ORDER BY id').all();
    expect(JSON.stringify(stored)).not.toContain('jane@');
    expect(JSON.stringify(db.prepare('SELECT * FROM suppression_changes').all())).not.toContain('jane@');
    // Without the hash the address is not recognisable; with it, both rows still count.
    expect(isSuppressed(db, 'jane@example.net', acme, { now: day(2) })).toEqual([]);
    expect(
      isSuppressed(db, 'jane@example.net', acme, { hash, now: day(2) }).map((s) => [s.reason, s.addressHash]),
    ).toEqual([
      ['complaint', hash],
      ['trap', hash],
    ]);
    expect(hasClientSuppression(db, 'jane@example.net', acme, 'complaint', { hash, now: day(2) })).toBe(true);
    expect(
      checkSuppressions(db, [{ address: 'jane@example.net', hash }], globex, { now: day(2) })[0],
    ).toHaveLength(1);
    const erased = suppressionChangesSince(db, { afterId: 0, limit: 100 }).filter(
      (c) => c.change === 'erased',
    );
    expect(erased.map((c) => [c.address, c.hash, c.reason])).toEqual([
      [null, hash, 'complaint'],
      [null, hash, 'trap'],
    ]);
    // A new suppression of the erased address in the same scope refreshes the hashed row.
    const again = suppress(db, {
      address: 'jane@example.net',
      clientId: acme,
      reason: 'complaint',
      hash,
      now: day(3),
    });
    expect(again.created).toBe(false);
  });

  it('expired rows stop counting at once and the expiry removes them with an expired change', () => {
    suppress(db, {
      address: 'soft@example.net',
      clientId: acme,
      reason: 'bounce',
      now: t0,
      expiresAt: day(7),
    });
    suppress(db, { address: 'keep@example.net', clientId: acme, reason: 'complaint', now: t0 });
    expect(isSuppressed(db, 'soft@example.net', acme, { now: day(6) })).toHaveLength(1);
    expect(isSuppressed(db, 'soft@example.net', acme, { now: day(7) })).toEqual([]);
    expect(expireSuppressions(db, day(6))).toBe(0);
    expect(expireSuppressions(db, day(8))).toBe(1);
    expect(listSuppressions(db).map((s) => s.address)).toEqual(['keep@example.net']);
    const last = suppressionChangesSince(db, { afterId: 0, limit: 10 }).at(-1)!;
    expect(last).toMatchObject({
      change: 'expired',
      address: 'soft@example.net',
      reason: 'bounce',
      why: 'expired',
    });
  });

  it('a refresh moves the expiry later, never to never', () => {
    suppress(db, { address: 'b@example.net', clientId: acme, reason: 'bounce', now: t0, expiresAt: day(7) });
    suppress(db, {
      address: 'b@example.net',
      clientId: acme,
      reason: 'bounce',
      now: day(5),
      expiresAt: day(12),
    });
    expect(listSuppressions(db)[0]!.expiresAt).toBe(day(12).toISOString());
    suppress(db, { address: 'b@example.net', clientId: acme, reason: 'bounce', now: day(6) });
    expect(listSuppressions(db)[0]!.expiresAt).toBe(day(12).toISOString());
  });

  it('@domain covers that domain only; @*.domain covers it and every subdomain', () => {
    suppress(db, { address: '*@exact.example', clientId: acme, reason: 'manual', now: t0 });
    suppress(db, {
      address: parseSuppressionTarget('*@*.wide.example').value,
      clientId: acme,
      reason: 'manual',
      now: t0,
    });
    const hit = (a: string): string[] => isSuppressed(db, a, acme, { now: t0 }).map((s) => s.address);
    expect(hit('x@exact.example')).toEqual(['@exact.example']);
    expect(hit('x@sub.exact.example')).toEqual([]);
    expect(hit('x@wide.example')).toEqual(['@*.wide.example']);
    expect(hit('x@a.b.wide.example')).toEqual(['@*.wide.example']);
    expect(hit('x@notwide.example')).toEqual([]);
    expect(() => parseSuppressionTarget('*@*.')).toThrow(/whole domain/);
    expect(() => parseSuppressionTarget('x@*.wide.example')).toThrow(/whole domain/);
  });

  it('a stream-scoped row blocks that stream only; a check without a stream is cautious', () => {
    suppress(db, {
      address: 'r@example.net',
      clientId: acme,
      reason: 'complaint',
      stream: 'Marketing',
      now: t0,
    });
    expect(isSuppressed(db, 'r@example.net', acme, { stream: 'marketing', now: t0 })).toHaveLength(1);
    expect(isSuppressed(db, 'r@example.net', acme, { stream: 'transactional', now: t0 })).toEqual([]);
    expect(isSuppressed(db, 'r@example.net', acme, { now: t0 })).toHaveLength(1);
    expect(isSuppressed(db, 'r@example.net', globex, { stream: 'marketing', now: t0 })).toEqual([]);
    // The same address for every stream is another row.
    expect(
      suppress(db, { address: 'r@example.net', clientId: acme, reason: 'complaint', now: t0 }).created,
    ).toBe(true);
    expect(isSuppressed(db, 'r@example.net', acme, { stream: 'transactional', now: t0 })).toHaveLength(1);
  });

  it('every add and remove is in the change log, in order, with who and why', () => {
    suppress(db, {
      address: 'a@example.net',
      clientId: acme,
      reason: 'manual',
      createdBy: 'staff:ann',
      note: 'asked',
      now: t0,
    });
    suppress(db, { address: 'a@example.net', clientId: acme, reason: 'manual', now: day(1) }); // refresh: no change
    removeSuppression(db, 'a@example.net', acme, undefined, {
      actor: 'staff:bob',
      why: 'mistake',
      now: day(2),
    });
    expect(
      suppressionChangesSince(db, { afterId: 0, limit: 10 }).map((c) => [
        c.change,
        c.address,
        c.client,
        c.actor,
        c.why,
      ]),
    ).toEqual([
      ['added', 'a@example.net', 'acme', 'staff:ann', 'asked'],
      ['removed', 'a@example.net', 'acme', 'staff:bob', 'mistake'],
    ]);
  });
});
