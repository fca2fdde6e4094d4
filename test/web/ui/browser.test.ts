import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, queueIdOf } from '../../../src/bench/smtp-client.ts';
import { fblReport } from '../../../src/demo/report-builders.ts';
import { getMessage } from '../../../src/store/messages-store.ts';
import { getTicket } from '../../../src/store/tickets-store.ts';
import { waitFor } from '../../helpers/test-service.ts';
import { browserSession, chromiumMissing, type BrowserSession, type TestService } from './browser-session.ts';
import { hostileComplaint } from './hostile-complaint.ts';

const CORPUS_ARF = new URL('../../../../shared/corpus/arf/sisimai-arf-02.eml', import.meta.url);
const skip = chromiumMissing('browser tests (they never skip in CI)');

type Service = TestService;

async function deliver(svc: Service, rcpt: string, body: string): Promise<number> {
  const { client } = await openSession(svc.smtpAddress.port);
  const reply = await client.send('sender@provider.example', [rcpt], body);
  await client.quit();
  expect(reply.code).toBe(250);
  const q = queueIdOf(reply)!;
  return (
    await waitFor(
      () => (getMessage(svc.db, q)?.state === 'done' ? getMessage(svc.db, q) : null),
      15_000,
      `processing of ${q}`,
    )
  ).id;
}

const ticketOfMessage = (svc: Service, id: number): string =>
  (
    svc.db.prepare('SELECT ticket_id FROM reports WHERE message_id = ?').get(id) as {
      ticket_id: string | null;
    }
  ).ticket_id!;

describe.skipIf(skip)('staff web UI in a real browser (Debian chromium)', () => {
  let session: BrowserSession;
  let svc: Service;
  let base: string;
  let page: Page;
  const requests: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    session = await browserSession({
      start: '/',
      beforeLogin: (login) => {
        login.on('request', (r) => requests.push(r.url()));
        login.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
      },
    });
    ({ svc, base, page } = session);
    // Logged in with the demo staff account `serve` prints.
    expect(svc.demoStaff?.email).toBe('staff@esp.example');
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it('opens the ticket of a real corpus FBL report sent over SMTP, shows its decision trail, and resolves it', async () => {
    const corpus = existsSync(CORPUS_ARF);
    if (!corpus)
      console.warn(
        'corpus missing (../shared/corpus): using a built FBL report instead of sisimai-arf-02.eml',
      );
    const raw = corpus
      ? readFileSync(CORPUS_ARF, 'latin1')
      : fblReport({
          reportMessageId: '<ui-fbl-1@aol.example>',
          originalTo: 'jane@example.net',
          originalMessageId: '<send-1@news.acme.example>',
        });
    const id = await deliver(svc, 'fbl@esp.example', raw);
    const ticketId = ticketOfMessage(svc, id);
    await page.goto(`${base}/ui/`);
    await page.getByRole('link', { name: ticketId }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(ticketId) }).waitFor();
    const trail = page.locator('ol.trail').first();
    await expect.poll(() => trail.textContent()).toContain('why this kind');
    const text = (await trail.textContent())!;
    expect(text).toMatch(/fbl/);
    expect(text).toMatch(/which campaign, how sure|attribution/);
    expect(text).toMatch(/classify/);
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket resolved.' }).waitFor();
    expect(getTicket(svc.db, ticketId)!.status).toBe('resolved');
    await expect.poll(() => page.locator('ol.timeline').textContent()).toContain('user:staff@esp.example');
  }, 60_000);

  it('shows a hostile HTML complaint without running any script or fetching anything remote', async () => {
    const id = await deliver(svc, 'abuse@esp.example', hostileComplaint(1));
    const ticketId = ticketOfMessage(svc, id);
    requests.length = 0;
    await page.goto(`${base}/ui/`);
    await page.goto(`${base}/ui/tickets/${ticketId}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // Text view by default: the script tag is visible as text.
    await expect
      .poll(() => page.locator('pre.message').nth(1).textContent())
      .toContain('<script>window.__pwned=1</script>');
    await page.getByRole('link', { name: 'Show sanitized HTML' }).click();
    const frame = page.frameLocator('iframe.message');
    await frame.getByText('This is spam I never asked for.').waitFor();
    await expect
      .poll(() => frame.locator('body').textContent())
      .toContain('[image: hxxp://127[.]0[.]0[.]2:9/x.png]');
    await page.waitForTimeout(500);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned),
    ).toBeUndefined();
    for (const f of page.frames())
      expect(
        await f
          .evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned)
          .catch(() => undefined),
      ).toBeUndefined();
    expect(dialogs).toEqual([]);
    const foreign = requests.filter(
      (u) => !u.startsWith(`${base}/`) && !u.startsWith('about:') && !u.startsWith('data:'),
    );
    expect(foreign).toEqual([]);
    expect(requests.some((u) => u.includes('127.0.0.2'))).toBe(false);
    // The subject's encoded CRLF and markup stay one line of escaped text in the header block.
    const headers = (await page.locator('pre.message').first().textContent())!;
    expect(headers).toContain(
      'subject: Spam! Bcc: victim@example.org <script>window.__pwned=1</script><img src=x onerror=alert(1)>',
    );
    expect(await page.locator('main script, main img').count()).toBe(0);
  }, 60_000);
  it('suspends a client from its page, then reinstates it with the consent answers; the history shows both', async () => {
    await page.goto(`${base}/ui/clients/initech`);
    await page.getByRole('heading', { level: 1, name: /Initech/ }).waitFor();
    expect(await page.locator('svg.gauge').count()).toBeGreaterThan(0);
    await page.locator('form[action$="/status"] select[name=status]').selectOption('suspended');
    const statusForm = page.locator('form[action$="/status"]');
    await statusForm.getByLabel('Reason').fill('blocklisted by a receiver, see ticket');
    await statusForm.getByLabel('I confirm changing the status of initech').check();
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.getByRole('status').filter({ hasText: 'Client status set to suspended.' }).waitFor();
    await page.getByLabel('List age in months').fill('9');
    await page.getByLabel('Signup URL').fill('https://initech.example/newsletter');
    await page.getByLabel('Consent method').selectOption('confirmed-opt-in');
    await page.getByLabel('Proof: consent date/time (UTC)').fill('2026-02-01T08:30');
    await page.getByLabel('Proof: IP address').fill('203.0.113.20');
    await page.locator('form.reinstate').getByLabel('Reason').fill('list re-confirmed');
    await page.getByLabel('I confirm reinstating initech').check();
    await page.getByRole('button', { name: 'Reinstate' }).click();
    await page.getByRole('status').filter({ hasText: 'Client reinstated.' }).waitFor();
    const history = (await page.locator('h2:text("Status history") + .table-scroll table').textContent())!;
    expect(history).toContain(
      'confirmed-opt-in, list 9 month(s) old, signup https://initech.example/newsletter, proof at 2026-02-01T08:30:00Z from 203.0.113.20',
    );
    expect(history).toContain('user:staff@esp.example');
    expect(
      (svc.db.prepare("SELECT status FROM clients WHERE slug = 'initech'").get() as { status: string })
        .status,
    ).toBe('active');
  }, 60_000);
});
