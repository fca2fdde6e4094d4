import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { upsertCampaign, clientIdBySlug } from '../../src/store/clients-store.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { assessClient } from '../../src/enforcement/assess-client.ts';
import { clientFacts } from '../../src/enforcement/client-facts.ts';
import { loadMailboxProviders } from '../../src/enforcement/mailbox-providers.ts';
import { recordSignals } from '../../src/enforcement/record-signals.ts';
import { insertSends } from '../../src/store/sends-store.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';
import { testPolicy } from './enforcement-fixtures.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const providers = loadMailboxProviders();

describe('client facts from the database', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let db: Database;
  let initech: number;
  let campaign: number;
  beforeEach(() => {
    tmp = tempDataDir();
    db = openDatabase(testConfig(tmp.dir));
    loadDemoIfEmpty(db, NOW);
    initech = clientIdBySlug(db, 'initech')!;
    db.prepare('DELETE FROM campaigns WHERE client_id = ?').run(initech);
    campaign = upsertCampaign(
      db,
      {
        slug: 'initech-q4',
        client: 'initech',
        sent: 10_000,
        delivered: 10_000,
        startedAt: '2026-11-20T08:00:00Z',
      },
      NOW,
    );
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('maps recipients to mailbox providers; a Gmail-heavy send log lowers the FBL share, and the complaint rate is measured against FBL deliveries', () => {
    // 9,000 to Gmail (no feedback loop), 1,000 to Yahoo (feedback loop); a re-import counts once.
    const sends = Array.from({ length: 10_000 }, (_, i) => ({
      messageId: `<q4-${i}@initech.example>`,
      recipient: i < 9000 ? `user${i}@gmail.com` : `user${i}@sub.yahoo.com`,
      client: 'initech',
      campaign: 'initech-q4',
      sentAt: '2026-11-20T08:00:00Z',
    }));
    insertSends(db, sends, NOW, loadMailboxProviders());
    insertSends(db, sends.slice(0, 500), NOW, loadMailboxProviders());
    recordSignals(
      db,
      Array.from({ length: 4 }, (_, i) => ({
        signal: 'complaint' as const,
        recipient: `user${9000 + i}@sub.yahoo.com`,
        mailboxProvider: providers.of(`user${9000 + i}@sub.yahoo.com`),
        counts: true,
        rule: 'dkim-verified-fbl',
        basis: 'authenticated' as const,
        reason: 'verified',
      })),
      { clientId: initech, campaignId: campaign, reportId: null, now: NOW },
    );
    const facts = clientFacts(db, initech, testPolicy(), providers, NOW);
    expect(facts.fblShare).toBeCloseTo(0.1, 5);
    expect(facts.providers.map((p) => [p.provider, p.fbl, p.sends, p.complaints])).toEqual([
      ['gmail', false, 9000, 0],
      ['yahoo', true, 1000, 4],
    ]);
    // 4 complaints in 10,000 deliveries looks clean (0.04 %); against the 1,000 that could complain it is 0.4 %.
    const a = assessClient(facts, testPolicy(), NOW);
    const total = a.signals.find((s) => s.signal === 'complaintRate' && s.campaign === null)!;
    expect(total).toMatchObject({ k: 4, n: 1000 });
    expect(a.target).not.toBe('active');
    const blind = assessClient({ ...facts, fblShare: null }, testPolicy(), NOW);
    expect(blind.target).toBe('active');
  });

  it('counts one signal per recipient, upgrades an unverified one when verified evidence arrives, and keeps the window', () => {
    const scope = { clientId: initech, campaignId: campaign, reportId: null, now: NOW };
    const one = {
      signal: 'complaint' as const,
      recipient: 'ann@example.org',
      mailboxProvider: 'other',
      counts: false,
      rule: 'not-counted:unverified-fbl',
      basis: null as 'authenticated' | null,
      reason: 'unverified',
    };
    // The same signal twice is one signal.
    recordSignals(db, [one], scope);
    recordSignals(db, [one], scope);
    expect(clientFacts(db, initech, testPolicy(), providers, NOW).total.counts).toMatchObject({
      complaints: 0,
      uncounted: 1,
    });
    recordSignals(
      db,
      [{ ...one, counts: true, rule: 'dkim-verified-fbl', basis: 'authenticated', reason: 'DKIM-verified' }],
      scope,
    );
    expect(clientFacts(db, initech, testPolicy(), providers, NOW).total.counts).toMatchObject({
      complaints: 1,
      uncounted: 0,
    });
    // Redacted complainants (no address) are one signal per report.
    recordSignals(db, [{ ...one, recipient: null, counts: true, basis: 'authenticated' }], {
      ...scope,
      reportId: null,
    });
    expect(clientFacts(db, initech, testPolicy(), providers, NOW).total.counts.complaints).toBe(2);
    // 31 days later the campaign and its signals have left the 30-day window.
    const later = new Date(NOW.getTime() + 31 * 86_400_000);
    const old = clientFacts(db, initech, testPolicy(), providers, later);
    expect(old.campaigns).toHaveLength(0);
    expect(old.total.counts.complaints).toBe(0);
  });
});
