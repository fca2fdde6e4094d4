import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintTraceToken } from '../../src/attribute/trace-token.ts';
import { keyringFromConfig } from '../../src/attribute/token-keyring.ts';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import type { PlannedSignal } from '../../src/enforcement/plan-signals.ts';
import { recordSignals } from '../../src/enforcement/record-signals.ts';
import type { RunningService } from '../../src/service/start-service.ts';
import { sharedListsOfAddresses, sharedListsOfClient } from '../../src/store/shared-lists-store.ts';
import { arfReport } from '../authenticate/signed-report.ts';
import { deliverAndProcess, startTestService, tempDataDir, testConfig } from '../helpers/test-service.ts';
import { apiClient, roleTokens } from '../web/api/api-harness.ts';
import { loginInject } from '../web/ui/ui-session.ts';
import { clientIdBySlug } from '../../src/store/clients-store.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

describe('cross-client list intelligence: the store', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let db: Database;
  const id = (slug: string): number => clientIdBySlug(db, slug)!;
  const signal = (s: PlannedSignal['signal'], recipient: string, counts = false): PlannedSignal => ({
    signal: s,
    recipient,
    mailboxProvider: null,
    counts,
    rule: counts ? 'dkim-verified-fbl' : 'not-counted:unverified-fbl',
    basis: counts ? 'authenticated' : null,
    reason: 'test',
  });
  const put = (client: string, s: PlannedSignal, daysAgo: number, reportId: number | null = null): void => {
    recordSignals(db, [s], {
      clientId: id(client),
      campaignId: null,
      reportId,
      now: new Date(NOW.getTime() - daysAgo * DAY),
    });
  };
  beforeEach(() => {
    tmp = tempDataDir();
    db = openDatabase(testConfig(tmp.dir));
    loadDemoIfEmpty(db, NOW);
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('flags a complainant or trap reported against two or more clients within the window, with the evidence', () => {
    const since = new Date(NOW.getTime() - 90 * DAY).toISOString();
    put('acme', signal('complaint', 'jane@list.example', true), 10);
    put('globex', signal('complaint', 'jane@list.example'), 3);
    put('globex', signal('trap-hit', 'trap@pristine.example'), 2);
    put('initech', signal('trap-hit', 'trap@pristine.example'), 1);
    put('acme', signal('trap-hit', 'trap@pristine.example'), 200); // outside the window
    put('acme', signal('complaint', 'only-acme@list.example'), 1);
    put('acme', signal('unsubscribe', 'unsub@list.example'), 1);
    put('globex', signal('unsubscribe', 'unsub@list.example'), 1);

    const acme = sharedListsOfClient(db, id('acme'), since);
    expect(acme).toEqual([
      {
        address: 'jane@list.example',
        trap: false,
        clients: [
          {
            client: 'acme',
            first: expect.stringMatching(/^2026-11-13/),
            last: expect.stringMatching(/^2026-11-13/),
            reports: [expect.objectContaining({ signal: 'complaint', counted: true })],
          },
          expect.objectContaining({
            client: 'globex',
            reports: [expect.objectContaining({ signal: 'complaint', counted: false })],
          }),
        ],
        text: expect.stringMatching(
          /^complainant jane@list\.example reported against 2 clients: acme .*globex .*possible shared, rented or bought list/,
        ),
      },
    ]);
    const globex = sharedListsOfClient(db, id('globex'), since);
    expect(globex.map((f) => [f.address, f.trap, f.clients.map((c) => c.client)])).toEqual([
      ['jane@list.example', false, ['acme', 'globex']],
      ['trap@pristine.example', true, ['globex', 'initech']],
    ]);
    expect(sharedListsOfClient(db, id('initech'), since).map((f) => f.address)).toEqual([
      'trap@pristine.example',
    ]);
    expect(
      sharedListsOfAddresses(db, ['Trap@Pristine.example', 'only-acme@list.example'], since).map(
        (f) => f.address,
      ),
    ).toEqual(['trap@pristine.example']);
    expect(sharedListsOfAddresses(db, [], since)).toEqual([]);
  });
});

describe('cross-client list intelligence: client page, ticket page, API (through SMTP)', () => {
  let svc: RunningService | null = null;
  let cleanup: (() => void) | null = null;
  afterEach(async () => {
    await svc?.stop();
    svc = null;
    cleanup?.();
    cleanup = null;
  });

  it('shows the complainant both acme and globex were reported by, as a signal for staff only', async () => {
    const tmp = tempDataDir();
    cleanup = tmp.cleanup;
    const s = await startTestService(tmp.dir);
    svc = s;
    const keyring = keyringFromConfig(testConfig(tmp.dir));
    const report = (client: string, campaign: string, n: number): string =>
      arfReport({
        recipient: 'jane@list.example',
        messageId: `<shared-${n}@arf.mail.yahoo.com>`,
        originalBody: `Unsubscribe: https://esp.example/u/${mintTraceToken(
          { client, campaign, recipient: 'jane@list.example', sentAt: new Date('2026-11-20T08:00:00Z') },
          keyring,
        )}`,
      });
    await deliverAndProcess(s, 'fbl@esp.example', report('acme', 'acme-spring-sale', 1));
    await deliverAndProcess(s, 'fbl@esp.example', report('globex', 'globex-webinar', 2));
    const statuses = s.db
      .prepare("SELECT slug, status FROM clients WHERE slug IN ('acme', 'globex') ORDER BY slug")
      .all();
    expect(statuses).toEqual([
      { slug: 'acme', status: 'active' },
      { slug: 'globex', status: 'active' },
    ]);

    const detail = (
      await apiClient(s.http, roleTokens(s.db)).call('GET', '/api/v1/clients/acme', 'viewer')
    ).json<{ sharedLists: Array<{ address: string; clients: Array<{ client: string }> }> }>();
    expect(detail.sharedLists.map((f) => [f.address, f.clients.map((c) => c.client)])).toEqual([
      ['jane@list.example', ['acme', 'globex']],
    ]);

    const staff = await loginInject(s.http, s.demoStaff!.email, s.demoStaff!.password);
    const page = await s.http.inject({
      method: 'GET',
      url: '/ui/clients/acme',
      headers: { cookie: staff.cookie },
    });
    expect(page.body).toContain('Possible shared, rented or bought list');
    expect(page.body).toMatch(/<th scope="row">jane@list\.example<\/th>/);
    expect(page.body).toContain('<a href="/ui/clients/globex">globex</a>');
    const reportIds = (s.db.prepare('SELECT id FROM reports ORDER BY id').all() as Array<{ id: number }>).map(
      (r) => r.id,
    );
    for (const rid of reportIds) expect(page.body).toContain(`<a href="/ui/reports/${rid}">#${rid}</a>`);

    const ticket = (
      s.db
        .prepare(
          "SELECT t.id FROM tickets t JOIN clients c ON c.id = t.client_id WHERE c.slug = 'globex' AND t.incident_key NOT LIKE 'enforcement:%'",
        )
        .get() as { id: string }
    ).id;
    const tpage = await s.http.inject({
      method: 'GET',
      url: `/ui/tickets/${ticket}`,
      headers: { cookie: staff.cookie },
    });
    expect(tpage.statusCode).toBe(200);
    expect(tpage.body).toContain('Possible shared, rented or bought list');
    expect(tpage.body).toContain('<a href="/ui/clients/acme">acme</a>');
  }, 60_000);
});
