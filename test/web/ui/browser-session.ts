import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestService, tempDataDir } from '../../helpers/test-service.ts';

/** Debian's chromium: playwright-core drives it, it downloads no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

export type TestService = Awaited<ReturnType<typeof startTestService>>;

/**
 * True when the browser tests in `what` must be skipped: only outside CI, when chromium is not installed.
 * In CI a missing chromium is a failure, not a skip.
 */
export function chromiumMissing(what: string): boolean {
  const skip = !existsSync(CHROMIUM) && !process.env.CI;
  if (skip) console.warn(`${what} skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
  return skip;
}

export interface ChromiumOptions {
  viewport?: { width: number; height: number };
  timezoneId?: string;
  locale?: string;
}

export interface Chromium {
  browser: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless chromium on a fresh profile (playwright passes it as --user-data-dir), one page open. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'abusedesk-chromium-'));
  let browser: BrowserContext | undefined;
  try {
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      ...options,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage();
    const opened = browser;
    return {
      browser: opened,
      page,
      close: async () => {
        await opened.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

export interface BrowserSessionOptions extends ChromiumOptions {
  /** Data to put in the service before the browser opens; gets the data dir for testConfig(dir). */
  seed?: (svc: TestService, dataDir: string) => Promise<void>;
  /** The page to open first; anything but /ui/login must redirect there. Default /ui/login. */
  start?: string;
  /** Runs on the login page before the form is filled (listeners, checks of the login page). */
  beforeLogin?: (page: Page) => void | Promise<void>;
  /** The level-1 heading of the page the login lands on. Default Inbox. */
  landing?: string;
}

export interface BrowserSession extends Chromium {
  svc: TestService;
  /** http://127.0.0.1:PORT of the service's web server. */
  base: string;
  dataDir: string;
}

/**
 * A test service on a temp data dir and chromium logged in as the demo staff user through the real
 * login form. `close` stops the browser and the service and removes both temp dirs.
 */
export async function browserSession(options: BrowserSessionOptions = {}): Promise<BrowserSession> {
  const { seed, start = '/ui/login', beforeLogin, landing = 'Inbox', ...launch } = options;
  const tmp = tempDataDir();
  let svc: TestService | undefined;
  let chrome: Chromium | undefined;
  const close = async (): Promise<void> => {
    await chrome?.close();
    await svc?.stop();
    tmp.cleanup();
  };
  try {
    svc = await startTestService(tmp.dir);
    const base = `http://127.0.0.1:${svc.httpAddress.port}`;
    if (seed) await seed(svc, tmp.dir);
    chrome = await launchChromium(launch);
    const { page } = chrome;
    await page.goto(`${base}${start}`);
    if (start !== '/ui/login') await page.waitForURL(/\/ui\/login/);
    if (beforeLogin) await beforeLogin(page);
    await page.getByLabel('Email').fill(svc.demoStaff!.email);
    await page.getByLabel('Password').fill(svc.demoStaff!.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: landing }).waitFor();
    return { ...chrome, svc, base, dataDir: tmp.dir, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The page must not scroll sideways: whatever is wide scrolls inside its own box. */
export async function expectNoSideScroll(page: Page, what: string): Promise<void> {
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
