import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSuppressions } from '../../../src/store/suppressions-store.ts';
import { browserSession, chromiumMissing, type BrowserSession, type TestService } from './browser-session.ts';

const skip = chromiumMissing('suppressions browser test');

describe.skipIf(skip)('suppressions page in a real browser (Debian chromium)', () => {
  let session: BrowserSession;
  let svc: TestService;
  let page: Page;

  beforeAll(async () => {
    // Asking for the page while logged out leads to the login form and back to the page.
    session = await browserSession({ start: '/ui/suppressions', landing: 'Suppressions' });
    ({ svc, page } = session);
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it('adds three pasted addresses, removes one with confirmation and finds it in the removal history', async () => {
    await page.getByText('Add suppressions').click();
    await page.getByLabel(/^Addresses/).fill('ann@example.net\nbob@example.net\n*@spam-farm.example');
    await page.getByLabel('Scope').selectOption('acme');
    await page.getByLabel('Note').fill('pasted from the client ticket');
    await page.getByRole('button', { name: 'Suppress' }).click();
    await page.getByRole('status').filter({ hasText: '3 suppression(s) added.' }).waitFor();
    const table = page.locator('table.suppressions');
    for (const a of ['ann@example.net', 'bob@example.net', '@spam-farm.example'])
      await expect.poll(() => table.textContent()).toContain(a);

    await page.getByRole('link', { name: 'Remove bob@example.net' }).click();
    await page.getByRole('heading', { name: 'Remove a suppression' }).waitFor();
    await page.getByLabel('Reason').fill('recipient opted back in');
    // The browser itself refuses the form until the confirmation is ticked (and the server checks again).
    await page.getByRole('button', { name: 'Remove' }).click();
    expect(page.url()).toMatch(/\/ui\/suppressions\/\d+\/remove$/);
    await page.getByLabel(/Remove this suppression/).check();
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('status').filter({ hasText: '1 suppression(s) removed.' }).waitFor();
    expect(
      listSuppressions(svc.db, { limit: 10 })
        .map((s) => s.address)
        .sort(),
    ).toEqual(['@spam-farm.example', 'ann@example.net']);

    await page.getByRole('link', { name: 'Removal history' }).click();
    const row = page.locator('table.removals tbody tr').first();
    await expect.poll(() => row.textContent()).toContain('bob@example.net');
    const text = (await row.textContent())!;
    expect(text).toContain('client acme');
    expect(text).toContain(`user:${svc.demoStaff!.email}`);
    expect(text).toContain('recipient opted back in');
    expect(await row.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  }, 60_000);
});
