import { describe, expect, it } from 'vitest';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { clientStatusHistory } from '../../src/store/enforcement-store.ts';
import { enforcementSettings } from '../../src/enforcement/enforcement-settings.ts';
import { EnforcementSweeper } from '../../src/enforcement/enforcement-sweeper.ts';
import { memoryLogger, testConfig, eachTestDatabase } from '../helpers/test-service.ts';
import { clientIdBySlug } from '../../src/store/clients-store.ts';

describe('EnforcementSweeper', () => {
  const t = eachTestDatabase((db) => {
    loadDemoIfEmpty(db, new Date('2026-11-01T00:00:00Z'));
  });

  it('lets time alone release a warned client one level per sweep once it has held minDaysInState, and only every interval', async () => {
    const clock = { t: Date.parse('2026-11-23T10:00:00Z') };
    t.db
      .prepare("UPDATE clients SET status = 'warned', status_changed_at = ? WHERE slug = 'globex'")
      .run('2026-11-20T10:00:00Z');
    const { logger, lines } = memoryLogger();
    const sweeper = new EnforcementSweeper({
      db: t.db,
      ctx: enforcementSettings(testConfig(t.dir)),
      logger,
      intervalMs: 3_600_000,
      now: () => new Date(clock.t),
    });
    const status = (): string =>
      (t.db.prepare("SELECT status FROM clients WHERE slug = 'globex'").get() as { status: string }).status;
    await sweeper.drainOnce();
    expect(status()).toBe('warned'); // 3 of 7 days
    const held = JSON.parse(
      (t.db.prepare("SELECT assessment FROM clients WHERE slug = 'globex'").get() as { assessment: string })
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
    const id = clientIdBySlug(t.db, 'globex')!;
    expect(clientStatusHistory(t.db, id).map((h) => `${h.from}→${h.to}`)).toEqual([
      'watch→active',
      'warned→watch',
    ]);
  });
});
