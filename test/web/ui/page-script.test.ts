import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/open-database.ts';
import { PAGE_CSP, securityHeaders } from '../../../src/web/ui/security-headers.ts';
import { uiPlugin } from '../../../src/web/ui/ui-plugin.ts';
import { tempDataDir, testConfig } from '../../helpers/test-service.ts';
import { chromiumMissing, launchChromium, type Chromium } from './browser-session.ts';

const SCRIPT = readFileSync(new URL('../../../src/web/ui/app.js', import.meta.url), 'utf8');
const skip = chromiumMissing('page-script browser tests');

/** A minimal page shaped like the UI's (same head, same CSP), so the script is tested on its own contract. */
const shell = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<script src="/ui/app.js" defer></script></head>
<body><main id="main">${body}</main>
<script>window.__inline = 1</script>
</body></html>`;

const inbox = shell(
  'Inbox',
  `<h1>Inbox</h1>
<p>Updated <time datetime="2026-11-30T08:52:00Z" data-local="text">2026-11-30 08:52 UTC</time>,
received <time datetime="2026-11-30T08:52:00Z" title="2026-11-30 08:52 UTC" data-local="title">3 h ago</time></p>
<form id="bulk"><table><tbody>
<tr data-href="/t/1"><td><input type="checkbox" name="id" value="1" aria-label="select 1"></td><td><a href="/t/1">T-1</a></td></tr>
<tr data-href="/t/2"><td><input type="checkbox" name="id" value="2" aria-label="select 2"></td><td><a href="/t/2">T-2</a></td></tr>
<tr data-href="/t/3"><td><input type="checkbox" name="id" value="3" aria-label="select 3"></td><td><a href="/t/3">T-3</a></td></tr>
</tbody></table></form>
<label>Note <textarea name="note"></textarea></label>`,
);

const ticket = (id: number): string =>
  shell(
    `Ticket ${id}`,
    `<h1>Ticket T-${id}</h1>
<nav><a rel="prev" href="/t/${id - 1}">previous</a> <a rel="next" href="/t/${id + 1}">next</a></nav>
<form method="post" action="/t/${id}/resolve" data-shortcut="resolve" data-confirm="Resolve T-${id}?"><button>Resolve</button></form>
<label>Note <textarea name="note"></textarea></label>`,
  );

describe.skipIf(skip)('page script /ui/app.js in a real browser (local times, keyboard shortcuts)', () => {
  let app: FastifyInstance;
  let chrome: Chromium;
  let page: Page;
  let base: string;
  const resolved: string[] = [];

  beforeAll(async () => {
    app = Fastify();
    app.addHook('onSend', (_req, reply, payload, next) => {
      reply.headers(securityHeaders(PAGE_CSP));
      next(null, payload);
    });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, next) =>
      next(null, body),
    );
    app.get('/ui/app.js', (_req, reply) => reply.type('text/javascript; charset=utf-8').send(SCRIPT));
    app.get('/inbox', (_req, reply) => reply.type('text/html').send(inbox));
    app.get<{ Params: { id: string } }>('/t/:id', (req, reply) =>
      reply.type('text/html').send(ticket(Number(req.params.id))),
    );
    app.post<{ Params: { id: string } }>('/t/:id/resolve', (req, reply) => {
      resolved.push(req.params.id);
      return reply.redirect(`/t/${req.params.id}?resolved=1`, 303);
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    chrome = await launchChromium({ timezoneId: 'Asia/Tokyo', locale: 'en-US' });
    ({ page } = chrome);
  }, 60_000);

  afterAll(async () => {
    await chrome?.close();
    await app?.close();
  });

  const scriptReady = (): Promise<unknown> =>
    page.waitForFunction(`document.querySelector('time[data-local="text"]')?.getAttribute('title')`);

  it("shows times in the reader's zone, and runs under the page CSP while inline script stays blocked", async () => {
    await page.goto(`${base}/inbox`);
    await scriptReady();
    const text = page.locator('time[data-local="text"]');
    // 08:52 UTC is 17:52 in Tokyo.
    expect(await text.textContent()).toMatch(/Nov 30, 2026.*05:52\s?PM.*GMT\+9/);
    expect(await text.getAttribute('title')).toBe('2026-11-30 08:52 UTC');
    const title = page.locator('time[data-local="title"]');
    expect(await title.textContent()).toBe('3 h ago');
    expect(await title.getAttribute('title')).toMatch(/05:52\s?PM.*GMT\+9/);
    expect(await page.evaluate<number | undefined>('window.__inline')).toBeUndefined();
  }, 30_000);

  it('moves through the inbox with j/k, ticks a row with x and opens it with Enter', async () => {
    await page.goto(`${base}/inbox`);
    await scriptReady();
    const current = (): Promise<string | null> =>
      page.evaluate<string | null>(
        "document.querySelector('tr.kbd-current')?.getAttribute('data-href') ?? null",
      );
    expect(await current()).toBeNull();
    await page.keyboard.press('j');
    expect(await current()).toBe('/t/1');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await current()).toBe('/t/3');
    await page.keyboard.press('k');
    expect(await current()).toBe('/t/2');
    expect(await page.locator('tr[data-href="/t/2"]').getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('x');
    expect(await page.getByLabel('select 2').isChecked()).toBe(true);
    await page.keyboard.press('x');
    expect(await page.getByLabel('select 2').isChecked()).toBe(false);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/t/2`);
    await page.goto(`${base}/inbox`);
    await scriptReady();
    await page.keyboard.press('j');
    await page.keyboard.press('o');
    await page.waitForURL(`${base}/t/1`);
  }, 30_000);

  it('follows rel=next/prev with j/n and k/p and resolves with r after the confirmation', async () => {
    await page.goto(`${base}/t/5`);
    await page.waitForFunction("document.readyState === 'complete'");
    await page.keyboard.press('j');
    await page.waitForURL(`${base}/t/6`);
    await page.keyboard.press('n');
    await page.waitForURL(`${base}/t/7`);
    await page.keyboard.press('p');
    await page.waitForURL(`${base}/t/6`);
    await page.keyboard.press('k');
    await page.waitForURL(`${base}/t/5`);
    // Declining the confirmation posts nothing; accepting it resolves.
    resolved.length = 0;
    const questions: string[] = [];
    page.once('dialog', (d) => {
      questions.push(d.message());
      void d.dismiss();
    });
    await page.keyboard.press('r');
    await expect.poll(() => questions).toEqual(['Resolve T-5?']);
    page.once('dialog', (d) => {
      questions.push(d.message());
      void d.accept();
    });
    await page.keyboard.press('r');
    await page.waitForURL(`${base}/t/5?resolved=1`);
    expect(resolved).toEqual(['5']);
    expect(questions).toEqual(['Resolve T-5?', 'Resolve T-5?']);
  }, 30_000);

  it('opens a help overlay with ? and closes it with Escape or its Close button, focus restored', async () => {
    await page.goto(`${base}/t/5`);
    await page.waitForFunction("document.readyState === 'complete'");
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.textContent()).toMatch(/j \/ k.*next \/ previous ticket row/);
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Close');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.keyboard.press('?');
    await help.getByRole('button', { name: 'Close' }).click();
    await help.waitFor({ state: 'detached' });
    // No navigation happened while the help was open or closing.
    expect(page.url()).toBe(`${base}/t/5`);
  }, 30_000);

  it('does nothing while the user types in a text field', async () => {
    resolved.length = 0;
    let dialogs = 0;
    const count = (): void => {
      dialogs++;
    };
    page.on('dialog', count);
    await page.goto(`${base}/t/5`);
    await page.waitForFunction("document.readyState === 'complete'");
    const documents: string[] = [];
    const onRequest = (r: { url: () => string; resourceType: () => string }): void => {
      if (r.resourceType() === 'document') documents.push(new URL(r.url()).pathname);
    };
    page.on('request', onRequest);
    await page.getByLabel('Note').click();
    await page.keyboard.type('jknpr?xo');
    await page.keyboard.press('Enter');
    expect(await page.getByLabel('Note').inputValue()).toBe('jknpr?xo\n');
    expect(await page.getByRole('dialog').count()).toBe(0);
    // Out of the field the same key works: the only page loaded since is the one it asked for.
    await page.locator('h1').click();
    await page.keyboard.press('j');
    await page.waitForURL(`${base}/t/6`);
    page.off('request', onRequest);
    expect(documents).toEqual(['/t/6']);
    // Typing in the inbox's field moves no row either.
    await page.goto(`${base}/inbox`);
    await scriptReady();
    await page.getByLabel('Note').click();
    await page.keyboard.type('jjx');
    expect(await page.locator('tr.kbd-current').count()).toBe(0);
    expect(await page.locator('input[type=checkbox]:checked').count()).toBe(0);
    page.off('dialog', count);
    expect(dialogs).toBe(0);
    expect(resolved).toEqual([]);
  }, 30_000);
});

describe('the UI serves its page script under a strict CSP (inject)', () => {
  it('serves /ui/app.js to anyone, allows scripts from the origin only, and never inline', async () => {
    const tmp = tempDataDir();
    const db = openDatabase(testConfig(tmp.dir));
    const ui = Fastify();
    await ui.register(uiPlugin, { db });
    try {
      const js = await ui.inject({ method: 'GET', url: '/ui/app.js' });
      expect(js.statusCode).toBe(200);
      expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(js.headers['x-content-type-options']).toBe('nosniff');
      expect(js.body).toBe(SCRIPT);
      const login = await ui.inject({ method: 'GET', url: '/ui/login' });
      expect(login.body).toContain('<script src="/ui/app.js" defer></script>');
      const csp = String(login.headers['content-security-policy']);
      expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|nonce-|sha256-/);
      expect(csp).toMatch(/(^|; )default-src 'none'(;|$)/);
    } finally {
      await ui.close();
      db.close();
      tmp.cleanup();
    }
  });
});
