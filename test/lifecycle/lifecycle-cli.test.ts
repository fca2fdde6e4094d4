import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { writeAudit } from '../../src/store/audit-store.ts';
import { suppress } from '../../src/store/suppressions-store.ts';
import { createMetrics } from '../../src/metrics/create-metrics.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';
import { runCli } from '../helpers/cli-process.ts';

describe('abusedesk db purge and abusedesk erase', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  const run = (...args: string[]) => runCli(tmp.dir, args, { env: { USER: 'ops' }, timeout: 30_000 });
  beforeEach(() => {
    tmp = tempDataDir();
    const db = openDatabase(testConfig(tmp.dir));
    writeAudit(db, { actor: 'cli:old', action: 'test.old', now: new Date('2020-01-01T00:00:00Z') });
    writeAudit(db, { actor: 'cli:new', action: 'test.new', now: new Date() });
    suppress(db, {
      address: 'pat@example.org',
      clientId: null,
      reason: 'manual',
      now: new Date('2020-01-01T00:00:00Z'),
    });
    db.close();
  });
  afterEach(() => tmp.cleanup());

  it(
    'db purge --dry-run prints what would go and removes nothing; db purge removes it, audits the run and counts it in the metrics',
    { timeout: 60_000 },
    async () => {
      const dry = run('db', 'purge', '--dry-run');
      expect(dry.status).toBe(0);
      expect(dry.stdout).toMatch(/^audit-log\s+1 would be removed \(older than 1095 d/m);
      expect(dry.stdout).toMatch(/^raw-messages\s+0 would be removed/m);
      const real = run('db', 'purge', '--json');
      expect(real.status).toBe(0);
      const result = JSON.parse(real.stdout) as {
        dryRun: boolean;
        types: Array<{ type: string; removed: number }>;
      };
      expect(result.dryRun).toBe(false);
      expect(result.types.find((t) => t.type === 'audit-log')?.removed).toBe(1);
      const db = openDatabase(testConfig(tmp.dir));
      try {
        const actions = db.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all();
        expect(actions).toEqual(['test.new', 'retention.purge']);
        // Suppressions are never purged, however old.
        expect(db.prepare('SELECT count(*) FROM suppressions').pluck().get()).toBe(1);
        const metrics = await createMetrics(db).registry.metrics();
        expect(metrics).toContain('abusedesk_retention_purged_total{type="audit-log"} 1');
      } finally {
        db.close();
      }
    },
  );

  it(
    'erase refuses without --yes off a terminal, then erases and prints the hash, never the address',
    { timeout: 60_000 },
    async () => {
      const refused = run('erase', 'Pat@Example.org');
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('--yes');
      const bad = run('erase', 'not an address', '--yes');
      expect(bad.status).toBe(2);
      const done = run('erase', 'Pat@Example.org', '--yes');
      expect(done.status).toBe(0);
      expect(done.stdout).toMatch(/^erasure 1: kept as hash [0-9a-f]{64}$/m);
      expect(done.stdout).toMatch(/suppressions\s+1/);
      expect(done.stdout.toLowerCase()).not.toContain('pat@example.org');
      const db = openDatabase(testConfig(tmp.dir));
      try {
        expect(
          db.prepare(`SELECT count(*) FROM suppressions WHERE address LIKE '%pat@%'`).pluck().get(),
        ).toBe(0);
        const metrics = await createMetrics(db).registry.metrics();
        expect(metrics).toContain('abusedesk_erasures_total 1');
      } finally {
        db.close();
      }
    },
  );
});
