import { describe, expect, it } from 'vitest';
import { upsertClient } from '../../src/store/clients-store.ts';
import { knownSuppressions, suppress, type SuppressInput } from '../../src/store/suppressions-store.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/**
 * suppress() with its batch's suppressions read ahead: the same rows and answers as looking each one up, for an
 * address suppressed before, an erased row found by its hash, an address first suppressed in the batch and then
 * again, and an address the read-ahead does not cover.
 */
describe('suppressions read ahead for a batch, on either engine', () => {
  const t = eachTestDatabase();
  const now = new Date('2026-12-01T10:00:00.000Z');
  const hash = (a: string): string => `hash:${a}`;

  it('tells a refresh from a new suppression as a lookup of each would, by address or erased hash', () => {
    const client = upsertClient(t.db, { slug: 'acme', name: 'Acme', language: 'en', domains: [] }, now);
    const input = (address: string, more: Partial<SuppressInput> = {}): SuppressInput => ({
      address,
      clientId: client,
      reason: 'complaint',
      now,
      hash: hash(address),
      ...more,
    });
    const before = suppress(t.db, input('known@far.example')).id;
    const erased = suppress(t.db, input('gone@far.example')).id;
    t.db
      .prepare("UPDATE suppressions SET address = 'erased:' || id, address_hash = ? WHERE id = ?")
      .run(hash('gone@far.example'), erased);
    // Another scope of the same address: not the one suppressed below.
    suppress(t.db, input('new@far.example', { clientId: null, reason: 'bounce' }));

    const covered = ['known@far.example', 'gone@far.example', 'new@far.example'];
    const results = t.db.transaction(() => {
      const known = knownSuppressions(t.db, covered, covered.map(hash));
      const lookups: string[] = [];
      const run = (address: string, more: Partial<SuppressInput> = {}) => {
        const r = suppress(t.db, input(address, { known, ...more }));
        lookups.push(`${address} ${r.created ? 'created' : `refreshed ${r.id}`}`);
        return r;
      };
      run('known@far.example');
      run('gone@far.example');
      run('NEW@far.example');
      run('new@far.example');
      run('other@far.example');
      return lookups;
    })();
    const newId = t.db
      .prepare("SELECT id FROM suppressions WHERE address = 'new@far.example' AND reason = 'complaint'")
      .pluck()
      .get() as number;
    expect(results).toEqual([
      `known@far.example refreshed ${before}`,
      `gone@far.example refreshed ${erased}`,
      'NEW@far.example created',
      `new@far.example refreshed ${newId}`,
      'other@far.example created',
    ]);
    const rows = t.db
      .prepare('SELECT address, client_id AS client, reason, count FROM suppressions ORDER BY id')
      .all() as Array<{ address: string; client: number | null; reason: string; count: number }>;
    expect(rows.map((r) => `${r.address} ${r.client ?? 'global'} ${r.reason} ${r.count}`)).toEqual([
      `known@far.example ${client} complaint 2`,
      `erased:${erased} ${client} complaint 2`,
      'new@far.example global bounce 1',
      `new@far.example ${client} complaint 2`,
      `other@far.example ${client} complaint 1`,
    ]);
    // Each addition is in the change log once.
    expect(
      t.db.prepare("SELECT count(*) FROM suppression_changes WHERE change = 'added'").pluck().get(),
    ).toBe(5);
  });
});
