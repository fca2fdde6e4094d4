import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { enqueueMail } from '../../src/outbox/enqueue-mail.ts';
import { outboxDepth } from '../../src/store/outbox-store.ts';
import { retryDelay } from '../../src/outbox/retry-delay.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';
import { outboxRow, sampleMail } from './outbox-helpers.ts';

describe('enqueueMail', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());
  const now = new Date('2026-11-23T10:00:00Z');

  it('queues a pending row due now, with its ticket and report', () => {
    const db = openDatabase(testConfig(tmp.dir));
    const r = enqueueMail(db, sampleMail(), {
      dedupeKey: 'ack:AD-7KQ2MX:reporter1@example.net',
      ticketId: 'AD-7KQ2MX',
      reportId: null,
      now,
    });
    expect(r.created).toBe(true);
    expect(outboxRow(db, r.id)).toMatchObject({
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now.toISOString(),
      ticketId: 'AD-7KQ2MX',
      sentAt: null,
    });
    expect(outboxDepth(db)).toEqual({ pending: 1, failed: 0, oldestPendingAt: now.toISOString() });
    db.close();
  });

  it('the same dedupe key queued twice is one row', () => {
    const db = openDatabase(testConfig(tmp.dir));
    const a = enqueueMail(db, sampleMail(1), { dedupeKey: 'ack:T:x', now });
    const b = enqueueMail(db, sampleMail(2), { dedupeKey: 'ack:T:x', now });
    expect(b).toEqual({ id: a.id, created: false });
    expect((db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n).toBe(1);
    db.close();
  });

  it("is part of the caller's transaction: a rollback un-queues the mail", () => {
    const db = openDatabase(testConfig(tmp.dir));
    expect(() =>
      db.transaction(() => {
        enqueueMail(db, sampleMail(), { dedupeKey: 'ack:rolled-back', now });
        throw new Error('actions failed');
      })(),
    ).toThrow('actions failed');
    expect(outboxDepth(db).pending).toBe(0);
    db.close();
  });

  it('refuses a malformed mail before it reaches the outbox', () => {
    const db = openDatabase(testConfig(tmp.dir));
    expect(() =>
      enqueueMail(
        db,
        { ...sampleMail(), subject: 'x\r\nBcc: victim@example.org' },
        { dedupeKey: 'bad', now },
      ),
    ).toThrow(/one line/);
    expect(() =>
      enqueueMail(
        db,
        { ...sampleMail(), to: { name: '', address: 'a@example.org, b@example.org' } },
        { dedupeKey: 'bad2', now },
      ),
    ).toThrow();
    expect(outboxDepth(db).pending).toBe(0);
    db.close();
  });
});

describe('retryDelay', () => {
  it('doubles from the base and is capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelay(a, 1000, 10_000))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(retryDelay(500, 1000, 3_600_000)).toBe(3_600_000);
  });
});
