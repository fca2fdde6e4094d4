import { describe, expect, it } from 'vitest';
import { PurgeJob } from '../../src/lifecycle/purge-job.ts';
import { writeAudit } from '../../src/store/audit-store.ts';
import { memoryLogger, testConfig, waitFor, eachTestDatabase } from '../helpers/test-service.ts';

describe("serve's scheduled purge", () => {
  const t = eachTestDatabase();

  it('purges at its first round in batches and logs what it removed per type', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    for (let i = 0; i < 7; i++)
      writeAudit(t.db, { actor: 'cli:test', action: 'test.old', now: new Date('2022-01-01T00:00:00Z') });
    writeAudit(t.db, { actor: 'cli:test', action: 'test.new', now });
    const { logger, lines } = memoryLogger();
    const retention = { ...testConfig(t.dir, { retention: { batchSize: 3 } }).retention };
    const job = new PurgeJob({ db: t.db, retention, logger, now: () => now, intervalMs: 3_600_000 });
    job.start();
    try {
      const done = await waitFor(
        () => lines.find((l) => l.event === 'retention.purged'),
        10_000,
        'a purge round',
      );
      expect(done.removed).toEqual({ 'audit-log': 7 });
    } finally {
      await job.stop();
    }
    expect(t.db.prepare('SELECT action FROM audit_log').pluck().all()).toEqual(['test.new']);
  });
});
