import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTraffic } from '../../../src/demo/demo-traffic.ts';
import { enforcementSettings } from '../../../src/enforcement/enforcement-settings.ts';
import { setClientStatus } from '../../../src/enforcement/staff-status-actions.ts';
import {
  deliverAndProcess,
  startTestService,
  tempDataDir,
  testConfig,
  waitForIdle,
} from '../../helpers/test-service.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../../data/tmp/screenshots/', import.meta.url));
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`responsive browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const LONG_ADDRESS =
  'the.quite.extraordinarily.long.local.part.of.this.reporter@mail.a-very-long-subdomain-name.isp-example-network.example';
const LONG_SUBJECT =
  'Fwd: URGENT!!! Unsolicited newsletter received again after unsubscribing twice — ref:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIIIJJJJKKKKLLLLMMMMNNNN';

type Service = Awaited<ReturnType<typeof startTestService>>;

describe.skipIf(skip)('every page fits a 390 px phone screen (real data, Debian chromium)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let browser: BrowserContext;
  let profile: string;
  let page: Page;
  let base: string;
  let ticketPath: string;

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir);
    base = `http://127.0.0.1:${svc.httpAddress.port}`;
    const config = testConfig(tmp.dir);
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

    profile = mkdtempSync(join(tmpdir(), 'abusedesk-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 390, height: 844 },
      timezoneId: 'Europe/Paris',
      locale: 'en-GB',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    page = await browser.newPage();
    await page.goto(`${base}/ui/login`);
    await fitsCheck('login');
    await page.getByLabel('Email').fill(svc.demoStaff!.email);
    await page.getByLabel('Password').fill(svc.demoStaff!.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
    tmp?.cleanup();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** The page must not scroll sideways: whatever is wide scrolls inside its own box. */
  async function fitsCheck(what: string): Promise<void> {
    await page.waitForLoadState('load');
    // The outermost elements that stick out, to say what to fix.
    const { scroll, client, wide } = await page.evaluate<{
      scroll: number;
      client: number;
      wide: string[];
    }>(`(() => {
      const client = document.documentElement.clientWidth;
      const sticksOut = (el) => el !== null && el.getBoundingClientRect().right > client + 0.5;
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => sticksOut(el) && !sticksOut(el.parentElement))
        .slice(0, 5)
        .map((el) => '<' + el.tagName.toLowerCase() + ' class="' + (el.getAttribute('class') ?? '') + '">');
      return { scroll: document.documentElement.scrollWidth, client, wide };
    })()`);
    expect(
      scroll,
      `${what} (${page.url()}) is ${scroll} px wide in a ${client} px window: ${wide.join(' ')}`,
    ).toBeLessThanOrEqual(client);
  }

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
      await fitsCheck(path);
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
