import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTicket, ticketEvents } from '../../../src/store/tickets-store.ts';
import { deliverAndProcess, ticketOfQueued, waitFor } from '../../helpers/test-service.ts';
import { browserSession, chromiumMissing, type BrowserSession, type TestService } from './browser-session.ts';

const skip = chromiumMissing('staff answer browser test');

const complaint = [
  'From: Rosa Alvarez <rosa@example.net>',
  'To: abuse@esp.example',
  'Subject: Fwd: Weekend deals inside',
  'Message-ID: <rosa-complaint-1@example.net>',
  'Date: Mon, 23 Nov 2026 09:00:00 +0000',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Please stop these people mailing me, I never asked for this.',
  '',
  '---------- Forwarded message ---------',
  'From: Deals <news@news.acme.example>',
  'Subject: Weekend deals inside',
  '',
  'Buy now!',
  '',
].join('\r\n');

const replyFromRosa = (ticketId: string, inReplyTo: string): string =>
  [
    'From: Rosa Alvarez <rosa@example.net>',
    'To: abuse@esp.example',
    `Subject: Re: [${ticketId}] Re: Fwd: Weekend deals inside`,
    'Message-ID: <rosa-reply-1@example.net>',
    `In-Reply-To: ${inReplyTo}`,
    `References: <rosa-complaint-1@example.net> ${inReplyTo}`,
    'Date: Mon, 23 Nov 2026 11:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Thank you, the mails came after I entered a raffle at a fair.',
    '',
    'On Mon, 23 Nov 2026 at 10:00, ESP Abuse Desk wrote:',
    '> We are asking the sender where your address came from.',
    '',
  ].join('\r\n');

describe.skipIf(skip)(
  'answering a reporter and working from the keyboard on the real desk (Debian chromium)',
  () => {
    let session: BrowserSession;
    let svc: TestService;
    let page: Page;

    beforeAll(async () => {
      session = await browserSession();
      ({ svc, page } = session);
    }, 60_000);

    afterAll(async () => {
      await session?.close();
    });

    it('replies to the reporter, and the reporter’s answer comes back threaded into the same conversation', async () => {
      const ticketId = ticketOfQueued(
        svc,
        await deliverAndProcess(svc, 'abuse@esp.example', complaint, 'rosa@example.net'),
      );
      await page.goto(`${session.base}/ui/tickets/${ticketId}`);
      await page.getByText('Reply to reporter').click();
      const form = page.locator('#answer-reporter form');
      expect(await form.locator('input[name=subject]').inputValue()).toContain(`[${ticketId}]`);
      const text = form.locator('textarea[name=text]');
      await text.fill(`${await text.inputValue()}\n\nWe are asking the sender where your address came from.`);
      await form.getByRole('button', { name: 'Send to rosa@example.net' }).click();
      await page.getByRole('status').filter({ hasText: 'Reply to the reporter queued' }).waitFor();

      // Our answer is in the conversation, and the outbox sends it (woken at once, no poll to wait for).
      const conversation = page.locator('section.conversation');
      expect(await conversation.textContent()).toContain(
        'We are asking the sender where your address came from.',
      );
      const sent = await waitFor(
        () =>
          svc.db
            .prepare("SELECT state, payload FROM outbox WHERE dedupe_key LIKE 'answer:%' AND state = 'sent'")
            .get() as { payload: string } | undefined,
        10_000,
        'the answer to be sent',
      );
      const messageId = (JSON.parse(sent.payload) as { messageId: string }).messageId;

      const reply = await deliverAndProcess(
        svc,
        'abuse@esp.example',
        replyFromRosa(ticketId, messageId),
        'rosa@example.net',
      );
      expect(ticketOfQueued(svc, reply)).toBe(ticketId);
      expect(ticketEvents(svc.db, ticketId).some((e) => e.type === 'reply')).toBe(true);

      await page.reload();
      const said = (await conversation.textContent())!;
      const complaintAt = said.indexOf('Please stop these people mailing me');
      const answerAt = said.indexOf('We are asking the sender where your address came from.');
      const replyAt = said.indexOf('the mails came after I entered a raffle at a fair');
      expect(complaintAt).toBeGreaterThanOrEqual(0);
      expect(answerAt).toBeGreaterThan(complaintAt);
      expect(replyAt).toBeGreaterThan(answerAt);
      // Their quote of our answer is folded, not shown as their words.
      await expect.poll(() => conversation.locator('details.quoted').count()).toBeGreaterThan(0);
    }, 90_000);

    it('works the real inbox and ticket page from the keyboard: j and Enter open a ticket, r resolves it', async () => {
      await page.goto(`${session.base}/ui/?status=open`);
      await page.keyboard.press('j');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/ui\/tickets\/AD-/);
      const id = /\/ui\/tickets\/(AD-[A-Z0-9]+)/.exec(page.url())![1]!;
      page.once('dialog', (d) => void d.accept());
      await page.keyboard.press('r');
      await waitFor(() => getTicket(svc.db, id)?.status === 'resolved', 10_000, `${id} to be resolved`);
    }, 60_000);
  },
);
