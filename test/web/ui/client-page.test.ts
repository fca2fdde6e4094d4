import type { FastifyInstance } from 'fastify';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enforceAllClients } from '../../../src/enforcement/enforce-client.ts';
import type { EnforcementSettings } from '../../../src/enforcement/enforcement-settings.ts';
import { upsertCampaign, clientIdBySlug } from '../../../src/store/clients-store.ts';
import { startUiApp, type UiApp } from './admin-ui-app.ts';
import { csrfOf, loginInject } from './ui-session.ts';
import { yahooComplaints } from './yahoo-complaints.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

/** The number a gauge shows for one signal row ("Complaint rate", optionally of one campaign). */
function gaugeValue(body: string, campaign?: string): number {
  const head = campaign
    ? `<th scope="row">Complaint rate <span class="muted">${campaign}</span></th>`
    : '<th scope="row">Complaint rate</th>';
  const row = body.slice(body.indexOf(head));
  expect(row.length, `gauge row ${head}`).toBeLessThan(body.length);
  return Number(/data-gauge-value="([^"]+)"/.exec(row)![1]);
}

/** The chart's points of one series, in day order. */
function chartPoints(body: string, series: string): Array<{ day: string; rate: number }> {
  const g = new RegExp(`<g data-series="${series}">([\\s\\S]*?)</g>`).exec(body);
  expect(g, `chart series ${series}`).not.toBeNull();
  return [...g![1]!.matchAll(/data-day="([^"]+)" data-rate="([^"]+)"/g)].map((m) => ({
    day: m[1]!,
    rate: Number(m[2]),
  }));
}

/** globex's complaints over the last weeks, from FBLs trusted and not, and its enforcement run. */
function seed(db: Database, enforcement: EnforcementSettings): void {
  const clientId = clientIdBySlug(db, 'globex')!;
  // In the window: 12,000 delivered, started 13 days ago. Before the window: an old campaign.
  const promo = upsertCampaign(
    db,
    {
      slug: 'globex-promo',
      client: 'globex',
      sent: 12_500,
      delivered: 12_000,
      startedAt: '2026-11-10T08:00:00Z',
    },
    NOW,
  );
  const old = upsertCampaign(
    db,
    {
      slug: 'globex-old',
      client: 'globex',
      sent: 3000,
      delivered: 3000,
      startedAt: '2026-09-01T08:00:00Z',
    },
    NOW,
  );
  const signal = (
    campaignId: number | null,
    daysAgo: number,
    n: number,
    counts: boolean,
    tag: string,
  ): void =>
    yahooComplaints(db, { clientId, campaignId, now: new Date(NOW.getTime() - daysAgo * DAY) }, n, {
      counts,
      tag,
    });
  // Trusted complaints spread over the window, some untrusted ones, one about no campaign, and complaints
  // about the old campaign: the gauge and the chart must count the same ones.
  signal(promo, 10, 8, true, 'a');
  signal(promo, 6, 14, true, 'b');
  signal(promo, 1, 20, true, 'c');
  signal(promo, 2, 30, false, 'u');
  signal(null, 3, 5, true, 'n');
  signal(old, 4, 9, true, 'o');
  enforceAllClients(db, enforcement, NOW);
}

describe('client page: one definition of the complaint rate, legible gauges, refused forms kept (inject)', () => {
  let t: UiApp;
  let db: Database;
  let app: FastifyInstance;

  beforeEach(async () => {
    t = await startUiApp({ now: NOW, seed });
    ({ db, app } = t);
  });
  afterEach(() => t.close());

  it("ends the chart exactly at the gauges' rates, states the definition once, and uses separators and local times", async () => {
    const { cookie } = await loginInject(app, 'admin@esp.example', 'admin password 1');
    const page = await app.inject({ method: 'GET', url: '/ui/clients/globex', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    const body = page.body;

    const total = chartPoints(body, 'all campaigns');
    const promo = chartPoints(body, 'globex-promo');
    expect(total.length).toBeGreaterThan(20);
    // The chart's latest point is the gauge's value, for the client and for the campaign.
    expect(total.at(-1)!.day).toBe('2026-11-23');
    expect(total.at(-1)!.rate).toBe(gaugeValue(body));
    expect(promo.at(-1)!.rate).toBe(gaugeValue(body, 'globex-promo'));
    // Trusted only, window campaigns only: 8 + 14 + 20 on the campaign, plus 5 about no campaign.
    expect(body).toMatch(/rate [0-9.]+ % \(Wilson lower bound [0-9.]+ %, 47 of [0-9,]+ delivered/);
    expect(body).toMatch(
      /campaign globex-promo: complaint rate [0-9.]+ % \(Wilson lower bound [0-9.]+ %, 42 of/,
    );
    // The rate builds up: nothing counted before the first complaint, rising after it.
    expect(total.find((p) => p.day === '2026-11-12')!.rate).toBe(0);
    expect(total.find((p) => p.day === '2026-11-13')!.rate).toBeGreaterThan(0);
    expect(total.find((p) => p.day === '2026-11-20')!.rate).toBeLessThan(total.at(-1)!.rate);

    // One definition, stated once on the page; the old "all reports" chart rate is gone.
    expect(body.split('<strong>Complaint rate</strong> = trusted complaints ÷').length - 1).toBe(1);
    expect(body).not.toContain('trusted or not)</p>');
    expect(body).toContain('12,000 delivered');
    expect(body).toContain('<td class="num">12,500</td>');
    expect(body).toMatch(
      /<time datetime="2026-11-10T08:00:00Z" data-local="text">2026-11-10 08:00 UTC<\/time>/,
    );
    // Gauge labels are HTML text (page font size), not SVG text scaled down with the drawing.
    expect(body).not.toMatch(/<svg class="gauge"[^>]*>(?:(?!<\/svg>)[\s\S])*<text/);
    expect(body).toMatch(
      /<ul class="gauge-marks"><li>measured <strong[^>]*>[0-9.]+ %<\/strong><\/li><li>lower bound/,
    );
  });

  it('re-renders the page with the error beside the refused form and the typed values kept', async () => {
    const { cookie } = await loginInject(app, 'admin@esp.example', 'admin password 1');
    const page = await app.inject({ method: 'GET', url: '/ui/clients/globex', headers: { cookie } });
    expect(page.body).toMatch(/<form class="reinstate"[\s\S]*name="reason" required/);
    expect(page.body).toMatch(/name="confirm" value="yes" required/);
    const post = (path: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/ui/clients/globex/${path}`,
        headers: { cookie, ...FORM },
        payload: new URLSearchParams({ _csrf: csrfOf(page.body), ...fields }).toString(),
      });

    // A reinstatement refused for a bought list: 422, the error inside the reinstate form, values kept.
    const bought = await post('reinstate', {
      listAgeMonths: '14',
      signupUrl: 'https://globex.example/join?x=1&y=2',
      method: 'bought',
      proofIp: '192.0.2.7',
      proofSource: 'a list broker',
      reason: 'client asked twice',
      confirm: 'yes',
    });
    expect(bought.statusCode).toBe(422);
    expect(bought.headers['content-type']).toMatch(/text\/html/);
    const form = /<form class="reinstate"[\s\S]*?<\/form>/.exec(bought.body)![0];
    expect(form).toMatch(/<p class="form-error" role="alert" id="reinstate-error">[^<]*bought/);
    expect(form).toContain('value="14"');
    expect(form).toContain('value="https://globex.example/join?x=1&amp;y=2"');
    expect(form).toContain('<option value="bought" selected>');
    expect(form).toContain('value="192.0.2.7"');
    expect(form).toContain('value="a list broker"');
    expect(form).toContain('value="client asked twice"');
    expect(bought.body).toContain('<h2>Status history</h2>');
    expect(db.prepare("SELECT status FROM clients WHERE slug = 'globex'").pluck().get()).toBe('suspended');

    // A status change without the confirmation box: 400, the error beside that form, the reason kept.
    const unconfirmed = await post('status', { status: 'warned', reason: 'spoke to the client' });
    expect(unconfirmed.statusCode).toBe(400);
    const statusForm = /<form method="post" action="\/ui\/clients\/globex\/status"[\s\S]*?<\/form>/.exec(
      unconfirmed.body,
    )![0];
    expect(statusForm).toContain('Tick the confirmation box');
    expect(statusForm).toContain('<option value="warned" selected>');
    expect(statusForm).toContain('value="spoke to the client"');
    expect(unconfirmed.body).not.toContain('id="reinstate-error"');

    // Confirmed: done, with the reason in the history.
    const ok = await post('status', { status: 'warned', reason: 'spoke to the client', confirm: 'yes' });
    expect(ok.statusCode).toBe(303);
    const after = await app.inject({ method: 'GET', url: '/ui/clients/globex', headers: { cookie } });
    expect(after.body).toMatch(/<dd class="status-warned">warned/);
    expect(after.body).toContain('spoke to the client');
  });
});
