import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fblReport } from '../../../src/demo/report-builders.ts';
import { getTicket } from '../../../src/store/tickets-store.ts';
import { deliverAndProcess, simpleMessage, ticketOfQueued } from '../../helpers/test-service.ts';
import {
  browserSession,
  chromiumMissing,
  expectNoSideScroll,
  type BrowserSession,
  type TestService,
} from './browser-session.ts';

const skip = chromiumMissing('desk workflow browser tests');

describe.skipIf(skip)('desk workflow in a real browser (Debian chromium)', () => {
  let session: BrowserSession;
  let svc: TestService;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    session = await browserSession();
    ({ svc, base, page } = session);
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it('assigns a ticket to me and sets it pending with a reason, both shown on the page', async () => {
    const id = ticketOfQueued(
      svc,
      await deliverAndProcess(svc, 'abuse@esp.example', simpleMessage('Browser assign')),
    );
    await page.goto(`${base}/ui/tickets/${id}`);
    await expect.poll(() => page.locator('dd.owner').textContent()).toBe('unassigned');
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByRole('status').filter({ hasText: 'Owner changed.' }).waitFor();
    expect(await page.locator('dd.owner').textContent()).toBe('staff@esp.example');

    await page.getByLabel('Pending reason').fill('waiting for the client to send its opt-in records');
    await page.getByRole('button', { name: 'Set pending' }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket set to pending.' }).waitFor();
    expect(await page.locator('dd.pending-reason').textContent()).toBe(
      'waiting for the client to send its opt-in records',
    );
    expect(getTicket(svc.db, id)).toMatchObject({ status: 'pending', assignee: 'staff@esp.example' });
    expect(await page.locator('ol.timeline').textContent()).toContain(
      'open → pending: waiting for the client to send its opt-in records',
    );
    // The workflow panel fits a phone: nothing makes the page scroll sideways at 390 px.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('section.workflow').waitFor();
    await expectNoSideScroll(page, 'the ticket with its workflow panel');
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);

  it('attributes an unmatched FBL to a client; the suppression shows on the ticket and in the suppressions list', async () => {
    // A real ARF report whose original has no trace token and comes from a domain no client sends from.
    const raw = fblReport({
      reportMessageId: '<browser-unmatched@aol.example>',
      originalTo: 'quinn@example.org',
      originalMessageId: '<browser-orig@unknown-shop.example>',
    }).replace(/news\.acme\.example/g, 'unknown-shop.example');
    const id = ticketOfQueued(svc, await deliverAndProcess(svc, 'fbl@esp.example', raw));
    expect(getTicket(svc.db, id)!.type).toBe('unmatched');
    await page.goto(`${base}/ui/tickets/${id}`);
    const form = page.locator('form.attribute');
    await form.locator('select[name=client]').selectOption('acme');
    await form.locator('select[name=campaign]').selectOption('acme-spring-sale');
    await form.getByLabel('Why this client').fill('sent from acme pool 192.0.2.25');
    await form.getByRole('button', { name: 'Attribute to client' }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket attributed to acme' }).waitFor();
    const row = page.locator('form.unsuppress').first().locator('xpath=ancestor::tr');
    expect(await row.textContent()).toMatch(/quinn@example\.org\s*acme\s*complaint/);
    expect(await page.locator('ol.timeline').textContent()).toContain(
      'attributed to acme / acme-spring-sale by staff',
    );
    expect(await page.locator('.workflow-facts').textContent()).toMatch(/linked incident\s*AD-/);

    await page.goto(`${base}/ui/suppressions?address=quinn%40example.org`);
    await expect.poll(() => page.locator('main').textContent()).toContain('quinn@example.org');
    expect(await page.locator('main table').textContent()).toMatch(/quinn@example\.org[\s\S]*acme/);
  }, 60_000);

  it('un-suppress needs a reason and the confirmation: refused without it, the typed reason kept', async () => {
    const raw = fblReport({
      reportMessageId: '<browser-unsup@aol.example>',
      originalTo: 'rita@example.org',
      originalMessageId: '<browser-orig-2@unknown-shop.example>',
    }).replace(/news\.acme\.example/g, 'unknown-shop.example');
    const id = ticketOfQueued(svc, await deliverAndProcess(svc, 'fbl@esp.example', raw));
    await page.goto(`${base}/ui/tickets/${id}`);
    const attribute = page.locator('form.attribute');
    await attribute.locator('select[name=client]').selectOption('globex');
    await attribute.getByLabel('Why this client').fill('globex shared pool');
    await attribute.getByRole('button', { name: 'Attribute to client' }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket attributed to globex' }).waitFor();

    let form = page.locator('form.unsuppress').first();
    await form.getByLabel('Reason').fill('the complainant asked to be mailed again');
    // The browser would stop an unticked required box; the server must refuse it on its own too.
    await form.evaluate((f) => {
      (f as unknown as { noValidate: boolean }).noValidate = true;
    });
    await form.getByRole('button', { name: /Un-suppress rita@example\.org/ }).click();
    form = page.locator('form.unsuppress').first();
    await form.getByRole('alert').filter({ hasText: 'Tick the confirmation box to go ahead.' }).waitFor();
    expect(await form.getByLabel('Reason').inputValue()).toBe('the complainant asked to be mailed again');
    expect(
      svc.db.prepare("SELECT count(*) FROM suppressions WHERE address = 'rita@example.org'").pluck().get(),
    ).toBe(1);

    await form.getByRole('checkbox').check();
    await form.getByRole('button', { name: /Un-suppress rita@example\.org/ }).click();
    await page.getByRole('status').filter({ hasText: 'Suppression removed.' }).waitFor();
    expect(
      svc.db.prepare("SELECT count(*) FROM suppressions WHERE address = 'rita@example.org'").pluck().get(),
    ).toBe(0);
    expect(await page.locator('ol.timeline').textContent()).toContain(
      'un-suppressed rita@example.org (complaint, globex): the complainant asked to be mailed again',
    );
  }, 60_000);
});
