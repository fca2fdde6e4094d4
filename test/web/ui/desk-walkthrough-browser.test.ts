import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverAndProcess, waitForIdle } from '../../helpers/test-service.ts';
import { browserSession, chromiumMissing, type BrowserSession } from './browser-session.ts';

const skip = chromiumMissing('desk browser tests');

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/${name}.eml`, import.meta.url)) as unknown as string;

/** A reporter with a long address, as feedback loops and ticket systems have. */
const LONG_FROM = 'feedbackloop-notifications-team@comcastfbl.senderscore.example';

describe.skipIf(skip)('the inbox on a desktop screen (Debian chromium)', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await browserSession({
      viewport: { width: 1280, height: 900 },
      seed: async (svc) => {
        // An unsubscribe whose subject is one long opaque token, a forward, an FBL report and a long reporter address.
        await deliverAndProcess(
          svc,
          'unsubscribe@esp.example',
          fixture('unsubscribe/list-unsubscribe-mailto-subject'),
        );
        await deliverAndProcess(
          svc,
          'abuse@esp.example',
          fixture('complaint/gmail-fr-inline-forward'),
          'marie.dupont@example.fr',
        );
        await deliverAndProcess(svc, 'fbl@esp.example', fixture('fbl/yahoo-abuse-crlf'));
        await deliverAndProcess(
          svc,
          'abuse@esp.example',
          `From: <${LONG_FROM}>\r\nTo: abuse@esp.example\r\nSubject: Abuse report\r\nMessage-ID: <long-reporter@example.net>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n\r\nPlease look at this.\r\n`,
          LONG_FROM,
        );
        await waitForIdle(svc);
      },
    });
    ({ page } = session);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('shows every column of the ticket list at 1280 px without scrolling sideways', async () => {
    const box = await page.evaluate<{
      table: number;
      box: number;
      headers: Array<[string, number]>;
    }>(`(() => {
      const box = document.querySelector('.table-scroll');
      const table = box.querySelector('table.inbox');
      return {
        table: table.scrollWidth,
        box: box.clientWidth,
        headers: [...table.querySelectorAll('th')].map((th) => [th.textContent, th.getBoundingClientRect().right]),
      };
    })()`);
    expect(box.table, 'the ticket table is no wider than its box').toBeLessThanOrEqual(box.box);
    for (const [name, right] of box.headers)
      expect(right, `column "${name}" is on screen`).toBeLessThanOrEqual(1280);
    // The subject keeps a readable column even next to the long token subject and the long address.
    const subject = await page.locator('table.inbox th', { hasText: 'Subject' }).boundingBox();
    expect(subject!.width).toBeGreaterThanOrEqual(200);
    await expect.poll(() => page.locator('table.inbox tbody').textContent()).toContain(LONG_FROM);
  });

  it('shows each ticket as a card on a 390 px phone: the subject readable without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const cards = await page.evaluate<{
      table: number;
      box: number;
      subjects: number[];
      shownEmpty: number;
    }>(`(() => {
      const box = document.querySelector('.table-scroll');
      const table = box.querySelector('table.inbox');
      return {
        table: table.scrollWidth,
        box: box.clientWidth,
        subjects: [...table.querySelectorAll('td.subject')].map((td) => td.getBoundingClientRect().right),
        shownEmpty: [...table.querySelectorAll('td.none')].filter((td) => td.getBoundingClientRect().width > 0).length,
      };
    })()`);
    expect(cards.table).toBeLessThanOrEqual(cards.box);
    expect(cards.subjects.length).toBeGreaterThanOrEqual(4);
    for (const right of cards.subjects) expect(right).toBeLessThanOrEqual(390);
    // Empty cells (no client, no owner) are left out of a card rather than shown as a row of dashes.
    expect(cards.shownEmpty).toBe(0);
    // A bare count says what it counts.
    expect(
      await page.evaluate(
        `getComputedStyle(document.querySelector('table.inbox td.reports'), '::before').content`,
      ),
    ).toBe('"reports "');
  });
});
