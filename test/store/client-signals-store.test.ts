import { describe, expect, it } from 'vitest';
import { insertClientProfile } from '../../src/store/client-admin-store.ts';
import { writeSignal, type SignalRow } from '../../src/store/enforcement-store.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/** A client's signal is stored once; a repeat replaces the stored one only when it is stronger evidence. */
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

  it('keeps one row per signal, with the strongest evidence', () => {
    const id = insertClientProfile(
      t.db,
      { slug: 'acme', name: 'Acme', contactEmail: null, language: 'en', domains: [] },
      new Date('2026-11-30T09:00:00Z'),
    );
    writeSignal(t.db, signal(id));
    // The same evidence again: nothing changes.
    writeSignal(t.db, signal(id, { reason: 'repeat' }));
    expect(stored()).toEqual([{ counts: 0, basis: 'unauthenticated', reason: 'first: not counted' }]);
    // Stronger evidence (counted, authenticated) replaces the stored one.
    writeSignal(t.db, signal(id, { counts: 1, basis: 'authenticated', reason: 'signed' }));
    expect(stored()).toEqual([{ counts: 1, basis: 'authenticated', reason: 'signed' }]);
    // Weaker evidence afterwards changes nothing.
    writeSignal(t.db, signal(id, { reason: 'weaker' }));
    expect(stored()).toEqual([{ counts: 1, basis: 'authenticated', reason: 'signed' }]);
    // Another recipient is another signal.
    writeSignal(t.db, signal(id, { recipient: 'b@example.net', dedupe: `${id}:0:complaint:b` }));
    expect(stored()).toHaveLength(2);
  });
});
