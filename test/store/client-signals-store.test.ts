import { describe, expect, it } from 'vitest';
import { insertClientProfile } from '../../src/store/client-admin-store.ts';
import { saveSignal, type SignalRow } from '../../src/store/enforcement-store.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/** A client's signal is stored once; a repeat says it is not new and replaces the stored one only when stronger. */
describe('client signals are stored once, upgraded by stronger evidence, on either engine', () => {
  const t = eachTestDatabase();

  const signal = (clientId: number, over: Partial<SignalRow> = {}): SignalRow => ({
    clientId,
    campaignId: null,
    signal: 'complaint',
    recipient: 'user@example.net',
    provider: 'example.net',
    reportId: null,
    counts: 0,
    reason: 'first: not counted',
    rule: 'unauthenticated-waits',
    basis: 'unauthenticated',
    reporterDomain: null,
    sourceNetwork: null,
    dedupe: `${clientId}:0:complaint:user@example.net`,
    at: '2026-11-30T10:00:00.000Z',
    ...over,
  });
  const stored = () =>
    t.db.prepare('SELECT counts, basis, reason FROM client_signals').all() as Array<{
      counts: number;
      basis: string;
      reason: string;
    }>;

  it('says new only the first time and keeps the strongest evidence', () => {
    const id = insertClientProfile(
      t.db,
      { slug: 'acme', name: 'Acme', contactEmail: null, language: 'en', domains: [] },
      new Date('2026-11-30T09:00:00Z'),
    );
    expect(saveSignal(t.db, signal(id))).toBe(true);
    // The same evidence again: not new, nothing changes.
    expect(saveSignal(t.db, signal(id, { reason: 'repeat' }))).toBe(false);
    expect(stored()).toEqual([{ counts: 0, basis: 'unauthenticated', reason: 'first: not counted' }]);
    // Stronger evidence (counted, authenticated): not new, but it replaces the stored one.
    expect(saveSignal(t.db, signal(id, { counts: 1, basis: 'authenticated', reason: 'signed' }))).toBe(false);
    expect(stored()).toEqual([{ counts: 1, basis: 'authenticated', reason: 'signed' }]);
    // Weaker evidence afterwards changes nothing.
    expect(saveSignal(t.db, signal(id, { reason: 'weaker' }))).toBe(false);
    expect(stored()).toEqual([{ counts: 1, basis: 'authenticated', reason: 'signed' }]);
    // Another recipient is another signal.
    expect(saveSignal(t.db, signal(id, { recipient: 'b@example.net', dedupe: `${id}:0:complaint:b` }))).toBe(
      true,
    );
  });
});
