import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicket } from '../../../src/store/tickets-store.ts';
import { deliverAndProcess } from '../../helpers/test-service.ts';
import { browserSession, chromiumMissing, type BrowserSession } from './browser-session.ts';
import { unmatchedFbl } from './inbox-mail.ts';

const skip = chromiumMissing('inbox browser test');

describe.skipIf(skip)('triaging the inbox in a real browser (Debian chromium)', () => {
  let session: BrowserSession;
  let base: string;
  let page: Page;
  let wanted: string;

  beforeAll(async () => {
    session = await browserSession({
      seed: async (svc) => {
        // 150 complaint tickets, one a minute, and one unmatched FBL report through the whole pipeline.
        for (let i = 0; i < 150; i++)
          createTicket(svc.db, {
            type: 'complaint',
            subject: `Spam complaint number ${i}`,
            reporter: `reporter${i}@example.org`,
            now: new Date(Date.UTC(2026, 10, 1, 0, i)),
          });
        await deliverAndProcess(
          svc,
          'fbl@esp.example',
          unmatchedFbl({ reportId: '<browser-1@aol.example>', complainant: 'findme@example.net' }),
        );
        wanted = (
          svc.db
            .prepare("SELECT ticket_id AS id FROM ticket_terms WHERE term = 'findme@example.net'")
            .get() as {
            id: string;
          }
        ).id;
      },
    });
    ({ base, page } = session);
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  const rangeText = () => page.locator('.pager .range').first().textContent();
  const badge = (status: string) => page.locator(`[data-count="${status}"]`).textContent();

  it('pages through, selects all on a page, bulk-resolves them and sees the counts change', async () => {
    await page.getByLabel('Type').selectOption('complaint');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(rangeText).toBe('1–50 of 150');
    expect(await badge('open')).toBe('150');
    await page.getByRole('link', { name: 'Next page' }).first().click();
    await expect.poll(rangeText).toBe('51–100 of 150');
    await page.getByRole('link', { name: 'Next page' }).first().click();
    await expect.poll(rangeText).toBe('101–150 of 150');
    await expect(page.getByRole('link', { name: 'Next page' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Previous page' }).first().click();
    await page.getByRole('link', { name: 'Previous page' }).first().click();
    await expect.poll(rangeText).toBe('1–50 of 150');

    await page.getByRole('link', { name: 'Select all on this page' }).click();
    await expect.poll(() => page.locator('input[name="ids"]:checked').count()).toBe(50);
    const bar = page.getByRole('group', { name: 'Bulk actions' });
    await bar.getByLabel('Set selected tickets to').selectOption('resolved');
    await bar.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: '50 ticket(s) set to resolved.' }).waitFor();
    expect(await badge('open')).toBe('100');
    expect(await badge('resolved')).toBe('50');
    expect(await rangeText()).toBe('1–50 of 100');
    // Still filtered to complaints after the bulk action, nothing selected any more.
    expect(await page.getByLabel('Type').inputValue()).toBe('complaint');
    expect(await page.locator('input[name="ids"]:checked').count()).toBe(0);
  }, 60_000);

  it('finds the ticket whose report names a complainant address', async () => {
    await page.goto(`${base}/ui/`);
    await page.getByRole('search').getByLabel('Search').fill('findme@example.net');
    await page.getByRole('search').getByLabel('Status').selectOption('all');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(rangeText).toBe('1–1 of 1');
    const rows = page.locator('tbody tr[data-href]');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-href')).toBe(`/ui/tickets/${wanted}`);
    await expect(page.locator('.search-note').textContent()).resolves.toContain(
      'complainant or recipient address',
    );
  }, 30_000);
});
