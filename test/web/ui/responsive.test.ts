import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTraffic } from '../../../src/demo/demo-traffic.ts';
import { enforcementSettings } from '../../../src/enforcement/enforcement-settings.ts';
import { setClientStatus } from '../../../src/enforcement/staff-status-actions.ts';
import { deliverAndProcess, testConfig, waitForIdle } from '../../helpers/test-service.ts';
import {
  browserSession,
  chromiumMissing,
  expectNoSideScroll,
  type BrowserSession,
} from './browser-session.ts';

const SHOTS = fileURLToPath(new URL('../../../data/tmp/screenshots/', import.meta.url));
const skip = chromiumMissing('responsive browser tests');

const LONG_ADDRESS =
  'the.quite.extraordinarily.long.local.part.of.this.reporter@mail.a-very-long-subdomain-name.isp-example-network.example';
const LONG_SUBJECT =
  'Fwd: URGENT!!! Unsolicited newsletter received again after unsubscribing twice — ref:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIIIJJJJKKKKLLLLMMMMNNNN';

describe.skipIf(skip)('every page fits a 390 px phone screen (real data, Debian chromium)', () => {
  let session: BrowserSession;
  let page: Page;
  let base: string;
  let ticketPath: string;

  beforeAll(async () => {
    session = await browserSession({
      viewport: { width: 390, height: 844 },
      timezoneId: 'Europe/Paris',
      locale: 'en-GB',
      seed: async (svc, dataDir) => {
        const config = testConfig(dataDir);
        // The demo traffic (FBLs, forwards, a bounce, an auto-reply) plus a report with a long subject and address.
        for (const m of await demoTraffic(config)) await deliverAndProcess(svc, m.rcpt, m.body, m.mailFrom);
        await deliverAndProcess(
          svc,
          'abuse@esp.example',
          `From: <${LONG_ADDRESS}>\r\nTo: abuse@esp.example\r\nSubject: ${LONG_SUBJECT}\r\nMessage-ID: <long-1@isp-example-network.example>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n\r\nI keep getting mail from https://news.acme.example/track/${'x'.repeat(160)} and I never signed up.\r\n`,
        );
        await waitForIdle(svc);
        // A client with a status history.
        const settings = enforcementSettings(config);
        setClientStatus(
          svc.db,
          {
            slug: 'acme',
            to: 'watch',
            actor: 'user:staff@esp.example',
            note: 'complaints from the spring sale',
            now: new Date(),
          },
          settings,
        );
        const ticket = svc.db
          .prepare("SELECT id FROM tickets WHERE subject LIKE 'Fwd: URGENT%' ORDER BY id LIMIT 1")
          .pluck()
          .get() as string | undefined;
        expect(ticket, 'the long-subject ticket').toBeTruthy();
        ticketPath = `/ui/tickets/${ticket}`;
      },
      beforeLogin: (login) => expectNoSideScroll(login, 'login'),
    });
    ({ page, base } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('has no horizontal page scroll on every nav page, a ticket, client pages and error pages', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/ui/`);
    const nav = await page.evaluate<string[]>(
      `[...document.querySelectorAll('nav[aria-label="Main"] a')].map((a) => a.getAttribute('href'))`,
    );
    expect(nav).toEqual(
      expect.arrayContaining(['/ui/', '/ui/clients', '/ui/suppressions', '/ui/quarantine', '/ui/webhooks']),
    );
    const paths = [
      ...nav,
      ticketPath,
      '/ui/clients/acme',
      '/ui/clients/globex',
      '/ui/tickets/T-NO-SUCH-TICKET',
      '/ui/clients/no-such-client',
    ];
    for (const path of paths) {
      await page.goto(`${base}${path}`);
      await expectNoSideScroll(page, path);
    }
  }, 120_000);

  it('shows local times on the client page and keeps gauge labels at least 12 px at 390 and 1280 px', async () => {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}/ui/clients/acme`);
      await page.waitForFunction(`document.querySelector('time[data-local="text"]')?.getAttribute('title')`);
      const time = page.locator('time[data-local="text"]').first();
      expect(await time.getAttribute('title')).toMatch(/UTC$/);
      expect(await time.textContent()).not.toMatch(/UTC$/);
      // SVG text scales with its drawing: its size on screen is the font size times the drawing's scale.
      const sizes = await page.evaluate<
        number[]
      >(`[...document.querySelectorAll('.gauge-marks li, svg.chart text')].map((el) =>
        el instanceof SVGTextElement
          ? Number(el.getAttribute('font-size')) * (el.getScreenCTM()?.a ?? 0)
          : parseFloat(getComputedStyle(el).fontSize))`);
      expect(sizes.length, 'gauge labels on the acme page').toBeGreaterThan(0);
      for (const s of sizes) expect(s).toBeGreaterThanOrEqual(12);
    }
  }, 60_000);

  it('saves screenshots of the inbox, a ticket and a client page at 1280 and 390 px', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const saved: string[] = [];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      for (const [name, path] of [
        ['inbox', '/ui/'],
        ['ticket', ticketPath],
        ['client', '/ui/clients/acme'],
      ] as const) {
        await page.goto(`${base}${path}`);
        await page.waitForLoadState('load');
        const file = join(SHOTS, `${name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect(existsSync(file)).toBe(true);
        saved.push(file);
      }
    }
    console.log(`screenshots:\n${saved.join('\n')}`);
  }, 60_000);
});
