import { afterEach, describe, expect, it } from 'vitest';
import { demoDateShiftDays, loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { campaignsSince } from '../../src/store/campaigns-store.ts';
import { clientIdBySlug } from '../../src/store/clients-store.ts';
import { clockFrom, eachTestDatabase, startTestService, tempDataDir } from '../helpers/test-service.ts';

/** The day data/demo's dates were written for (data/demo/dates.json). */
const AS_OF = new Date('2026-11-25T10:00:00Z');
const DAY = 86_400_000;

const startedAt = (db: ReturnType<typeof eachTestDatabase>['db'], slug: string): string =>
  db.prepare('SELECT started_at FROM campaigns WHERE slug = ?').pluck().get(slug) as string;

describe('the demo data', () => {
  const t = eachTestDatabase();

  it('moves by whole days since the day its dates were written for, never backwards', () => {
    expect(demoDateShiftDays(AS_OF, AS_OF)).toBe(0);
    expect(demoDateShiftDays(new Date(AS_OF.getTime() + DAY - 1), AS_OF)).toBe(0);
    expect(demoDateShiftDays(new Date(AS_OF.getTime() + 40 * DAY + 3_600_000), AS_OF)).toBe(40);
    expect(demoDateShiftDays(new Date('2026-11-01T00:00:00Z'), AS_OF)).toBe(0);
  });

  it('loaded 40 days after, its campaigns start 40 days later, at the same time of day', () => {
    const loaded = loadDemoIfEmpty(t.db, new Date(AS_OF.getTime() + 40 * DAY + 3_600_000));
    expect(loaded).toEqual({ clients: 3, campaigns: 7, datesMovedDays: 40 });
    expect(startedAt(t.db, 'acme-spring-sale')).toBe('2026-12-12T08:00:00.000Z');
    expect(startedAt(t.db, 'initech-winter-promo')).toBe('2026-12-29T08:00:00.000Z');
  });

  it('loaded before that day (a fixed test clock), its dates stay as written', () => {
    expect(loadDemoIfEmpty(t.db, new Date('2026-11-01T00:00:00Z'))).toMatchObject({ datesMovedDays: 0 });
    expect(startedAt(t.db, 'acme-spring-sale')).toBe('2026-11-02T08:00:00Z');
  });
});

describe('a service started with the demo data long after its dates were written', () => {
  let svc: Awaited<ReturnType<typeof startTestService>> | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await svc?.stop();
    cleanup?.();
  });

  it('has every demo campaign inside the 30-day enforcement window, and says how far the dates moved', async () => {
    const tmp = tempDataDir();
    cleanup = tmp.cleanup;
    const now = clockFrom('2027-06-13T10:00:00Z');
    svc = await startTestService(tmp.dir, { now });
    expect(svc.lines.find((l) => l.event === 'demo.loaded')).toMatchObject({ datesMovedDays: 200 });
    const since = new Date(now().getTime() - 30 * DAY).toISOString();
    const inWindow = (client: string): string[] =>
      campaignsSince(svc!.db, clientIdBySlug(svc!.db, client)!, since).map((c) => c.slug);
    expect(inWindow('acme')).toEqual(['acme-spring-sale', 'acme-weekly-news', 'acme-black-friday']);
    expect(inWindow('globex')).toEqual(['globex-rentree', 'globex-webinar']);
    expect(inWindow('initech')).toEqual(['initech-tps-update', 'initech-winter-promo']);
  });
});
