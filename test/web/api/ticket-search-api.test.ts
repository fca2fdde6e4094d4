import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxPage } from '../../../src/store/ticket-inbox.ts';
import {
  deliverAndProcess,
  startTestService,
  tempDataDir,
  ticketOfQueued,
} from '../../helpers/test-service.ts';
import { runCli } from '../../helpers/cli-process.ts';
import { apiClient, roleTokens, type ApiClient } from './api-harness.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/${name}.eml`, import.meta.url), 'latin1');

describe('GET /api/v1/tickets?q= searches like the staff inbox', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Awaited<ReturnType<typeof startTestService>>;
  let api: ApiClient;
  const tickets: Record<string, string> = {};
  const queueIds: Record<string, string> = {};

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir);
    api = apiClient(svc.http, roleTokens(svc.db));
    for (const [name, rcpt, from] of [
      ['fbl/yahoo-abuse-crlf', 'fbl@esp.example', 'feedback@arf.mail.yahoo.com'],
      ['complaint/gmail-fr-inline-forward', 'abuse@esp.example', 'marie.dupont@example.fr'],
      ['other/question', 'abuse@esp.example', 'pat@example.com'],
    ] as const) {
      const q = await deliverAndProcess(svc, rcpt, fixture(name), from);
      queueIds[name] = q;
      tickets[name] = ticketOfQueued(svc, q);
    }
  }, 60_000);

  afterAll(async () => {
    await svc?.stop();
    tmp?.cleanup();
  });

  const apiIds = async (q: string): Promise<string[]> => {
    const r = await api.call('GET', `/api/v1/tickets?q=${encodeURIComponent(q)}`, 'viewer');
    expect(r.statusCode, q).toBe(200);
    return (r.json().items as Array<{ id: string }>).map((t) => t.id).sort();
  };
  const inboxIds = (q: string): string[] =>
    inboxPage(svc.db, { status: 'all', q })
      .rows.map((t) => t.id)
      .sort();

  it('finds a ticket by the identifiers staff paste: complainant, Message-ID, queue id, source IP, sending domain, ticket id', async () => {
    const fbl = tickets['fbl/yahoo-abuse-crlf']!;
    const searches = [
      'jane@example.net',
      'JANE@example.net',
      '<spring-7731.jane@news.acme.example>',
      'spring-7731.jane@news.acme.example',
      queueIds['fbl/yahoo-abuse-crlf']!,
      '192.0.2.45',
      fbl.toLowerCase(),
    ];
    for (const q of searches) {
      const ids = await apiIds(q);
      expect(ids, q).toContain(fbl);
      expect(ids, q).toEqual(inboxIds(q));
    }
    // The reporter's address of a human complaint, and words of a question's subject, as in the inbox.
    const complaint = tickets['complaint/gmail-fr-inline-forward']!;
    expect(await apiIds('marie.dupont@example.fr')).toContain(complaint);
    expect(await apiIds('marie.dupont@example.fr')).toEqual(inboxIds('marie.dupont@example.fr'));
    expect(await apiIds('news.acme.example')).toEqual(inboxIds('news.acme.example'));
    expect(await apiIds('pat@example.com')).toEqual([tickets['other/question']!]);
    expect(await apiIds('nobody@nowhere.example')).toEqual([]);
  });

  it('keeps the other filters and the cursor with a search', async () => {
    const fbl = tickets['fbl/yahoo-abuse-crlf']!;
    const resolved = await api.call('GET', `/api/v1/tickets?q=jane@example.net&status=resolved`, 'viewer');
    expect(resolved.json().items).toEqual([]);
    const first = (await api.call('GET', `/api/v1/tickets?q=jane@example.net&limit=1`, 'viewer')).json();
    expect(first.items.map((t: { id: string }) => t.id)).toEqual([fbl]);
  });

  it('abusedesk tickets list --q searches the same way', () => {
    const cli = (q: string): string[] => {
      const r = runCli(tmp.dir, ['tickets', 'list', '--q', q, '--json']);
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as Array<{ id: string }>).map((t) => t.id).sort();
    };
    for (const q of ['jane@example.net', '192.0.2.45', queueIds['fbl/yahoo-abuse-crlf']!, 'pat@example.com'])
      expect(cli(q), q).toEqual(inboxIds(q));
    expect(cli('jane@example.net')).toContain(tickets['fbl/yahoo-abuse-crlf']);
  }, 60_000);
});
