import type { FastifyInstance } from 'fastify';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertCampaign, clientIdBySlug } from '../../../src/store/clients-store.ts';
import { enforceAllClients } from '../../../src/enforcement/enforce-client.ts';
import type { EnforcementSettings } from '../../../src/enforcement/enforcement-settings.ts';
import { loadMailboxProviders } from '../../../src/enforcement/mailbox-providers.ts';
import { insertSends } from '../../../src/store/sends-store.ts';
import { startUiApp, type UiApp } from './admin-ui-app.ts';
import { csrfOf, loginInject } from './ui-session.ts';
import { yahooComplaints } from './yahoo-complaints.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const NOW = new Date('2026-11-23T10:00:00Z');

/** globex over every complaint threshold, with a send log, after an enforcement run. */
function seed(db: Database, enforcement: EnforcementSettings): void {
  // globex: one campaign of 2,000 with 12 counted complaints — above every complaint threshold.
  const campaignId = upsertCampaign(
    db,
    {
      slug: 'globex-promo',
      client: 'globex',
      sent: 2000,
      delivered: 2000,
      startedAt: '2026-11-21T08:00:00Z',
    },
    NOW,
  );
  const clientId = clientIdBySlug(db, 'globex')!;
  yahooComplaints(db, { clientId, campaignId, now: NOW }, 12);
  // The send log: 500 sends to Gmail, 500 to Yahoo.
  insertSends(
    db,
    Array.from({ length: 1000 }, (_, i) => ({
      messageId: `<p${i}@mail.globex.example>`,
      recipient: i < 500 ? `g${i}@gmail.com` : `p${i}@yahoo.com`,
      client: 'globex',
      campaign: 'globex-promo',
      sentAt: '2026-11-21T08:00:00Z',
    })),
    NOW,
    loadMailboxProviders(),
  );
  enforceAllClients(db, enforcement, NOW);
}

describe('client page: enforcement, score explanation, history and status actions (fastify inject)', () => {
  let t: UiApp;
  let app: FastifyInstance;
  beforeEach(async () => {
    t = await startUiApp({ now: NOW, seed });
    ({ app } = t);
  });
  afterEach(() => t.close());

  it('shows status, score with what pulled it down, signal gauges against thresholds, and the automatic change with its evidence', async () => {
    const { cookie } = await loginInject(app, 'viewer@esp.example', 'viewer password 1');
    const list = await app.inject({ method: 'GET', url: '/ui/clients', headers: { cookie } });
    expect(list.body).toMatch(/<td class="status-suspended">suspended<\/td>/);
    const page = await app.inject({ method: 'GET', url: '/ui/clients/globex', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Reputation score: what pulled it down');
    expect(page.body).toMatch(/<th scope="row">complaints<\/th><td class="num">−[1-9]/);
    expect(page.body).toMatch(/<svg class="gauge"[^>]*><title>campaign globex-promo: complaint rate/);
    expect(page.body).toMatch(/active<\/span> → <span class="status-suspended">suspended/);
    expect(page.body).toContain('system:enforcement');
    // Per mailbox provider: the 12 Yahoo complaints beside 500 sends to Yahoo; Gmail sends no feedback loop.
    expect(page.body).toMatch(
      /<th scope="row">yahoo<\/th><td>yes<\/td><td class="num">500<\/td><td class="num">12<\/td>/,
    );
    expect(page.body).toMatch(/<th scope="row">gmail<\/th><td>no<\/td><td class="num">500<\/td>/);
    expect(page.body).toMatch(/Share of sends to providers that send feedback loops: 50\.00 %/);
    expect(page.body).toContain('<summary>Evidence</summary>');
    // Viewers see no status forms.
    expect(page.body).not.toContain('action="/ui/clients/globex/reinstate"');
    const refused = await app.inject({
      method: 'POST',
      url: '/ui/clients/globex/status',
      headers: { cookie, ...FORM },
      payload: new URLSearchParams({ _csrf: csrfOf(page.body), status: 'watch', note: 'x' }).toString(),
    });
    expect(refused.statusCode).toBe(403);
  });

  it('reinstates from the form with the consent answers (refusing a bought list), and the history shows them', async () => {
    const s = await loginInject(app, 'admin@esp.example', 'admin password 1');
    const page = await app.inject({
      method: 'GET',
      url: '/ui/clients/globex',
      headers: { cookie: s.cookie },
    });
    expect(page.body).toContain('action="/ui/clients/globex/reinstate"');
    const post = (fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/ui/clients/globex/reinstate',
        headers: { cookie: s.cookie, ...FORM },
        payload: new URLSearchParams({ _csrf: csrfOf(page.body), ...fields }).toString(),
      });
    const answers = {
      listAgeMonths: '12',
      signupUrl: 'https://globex.example/inscription',
      method: 'confirmed-opt-in',
      proofAt: '2026-03-02T09:15',
      proofIp: '192.0.2.44',
      proofSource: 'double opt-in log',
      reason: 'purged non-openers',
      confirm: 'yes',
    };
    const bought = await post({ ...answers, method: 'bought' });
    expect(bought.statusCode).toBe(422);
    expect(bought.body).toMatch(/bought/);
    expect((await post({ ...answers, listAgeMonths: '', note: 'x' })).statusCode).toBe(400);
    const ok = await post(answers);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toMatch(/^\/ui\/clients\/globex\?flash=client.reinstated/);
    const after = await app.inject({
      method: 'GET',
      url: '/ui/clients/globex',
      headers: { cookie: s.cookie },
    });
    expect(after.body).toMatch(/<dd class="status-active">active/);
    expect(after.body).toContain(
      'confirmed-opt-in, list 12 month(s) old, signup https://globex.example/inscription, proof at 2026-03-02T09:15:00Z from 192.0.2.44 via double opt-in log',
    );
    expect(after.body).toContain('purged non-openers');
  });
});
