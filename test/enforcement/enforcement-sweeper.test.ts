import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { clientStatusHistory } from '../../src/store/enforcement-store.ts';
import { enforcementSettings } from '../../src/enforcement/enforcement-settings.ts';
import { EnforcementSweeper } from '../../src/enforcement/enforcement-sweeper.ts';
import { memoryLogger, tempDataDir, testConfig } from '../helpers/test-service.ts';
import { clientIdBySlug } from '../../src/store/clients-store.ts';

describe('EnforcementSweeper', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let db: Database;
  beforeEach(() => {
    tmp = tempDataDir();
    db = openDatabase(testConfig(tmp.dir));
    loadDemoIfEmpty(db, new Date('2026-11-01T00:00:00Z'));
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('lets time alone release a warned client one level per sweep once it has held minDaysInState, and only every interval', async () => {
    const clock = { t: Date.parse('2026-11-23T10:00:00Z') };
    db.prepare("UPDATE clients SET status = 'warned', status_changed_at = ? WHERE slug = 'globex'").run(
      '2026-11-20T10:00:00Z',
    );
    const { logger, lines } = memoryLogger();
    const sweeper = new EnforcementSweeper({
      db,
      ctx: enforcementSettings(testConfig(tmp.dir)),
      logger,
      intervalMs: 3_600_000,
      now: () => new Date(clock.t),
    });
    const status = (): string =>
      (db.prepare("SELECT status FROM clients WHERE slug = 'globex'").get() as { status: string }).status;
    await sweeper.drainOnce();
    expect(status()).toBe('warned'); // 3 of 7 days
    const held = JSON.parse(
      (db.prepare("SELECT assessment FROM clients WHERE slug = 'globex'").get() as { assessment: string })
        .assessment,
    ) as { assessment: { reasons: string[] } };
    expect(held.assessment.reasons.join(' ')).toMatch(/3 of 7 days/);
    clock.t += 5 * 86_400_000;
    await sweeper.drainOnce();
    expect(status()).toBe('watch');
    expect(lines.find((l) => l.event === 'enforcement.changed')).toMatchObject({
      client: 'globex',
      from: 'warned',
      to: 'watch',
      mode: 'applied',
    });
    clock.t += 30 * 60_000; // within the interval: no sweep
    await sweeper.drainOnce();
    expect(status()).toBe('watch');
    clock.t += 8 * 86_400_000;
    await sweeper.drainOnce();
    expect(status()).toBe('active');
    const id = clientIdBySlug(db, 'globex')!;
    expect(clientStatusHistory(db, id).map((h) => `${h.from}→${h.to}`)).toEqual([
      'watch→active',
      'warned→watch',
    ]);
  });
});
