import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/api-tokens.ts';
import { listAudit } from '../../src/store/audit-store.ts';
import { ticketEvents } from '../../src/store/tickets-store.ts';
import { startTestService, tempDataDir, waitForIdle } from '../helpers/test-service.ts';

interface NoticeRow {
  payload: string;
  state: string;
  ticket_id: string;
}

describe('client status notices', () => {
  let tmp: ReturnType<typeof tempDataDir> | undefined;
  let svc: Awaited<ReturnType<typeof startTestService>> | undefined;

  afterEach(async () => {
    await svc?.stop();
    tmp?.cleanup();
    svc = undefined;
    tmp = undefined;
  });

  /** Suspends acme through the API, as staff would, and returns the notice rows once everything settled. */
  async function suspendAcme(clientNotices: Record<string, boolean>): Promise<NoticeRow[]> {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, { overrides: { desk: { clientNotices }, outbox: { pollMs: 50 } } });
    const { secret } = createApiToken(svc.db, { name: 'admin', role: 'admin', now: new Date() });
    const r = await svc.http.inject({
      method: 'POST',
      url: '/api/v1/clients/acme/suspend',
      headers: { authorization: `Bearer ${secret}` },
      payload: { note: 'bought list, 4 % complaints' },
    });
    expect(r.statusCode, r.body).toBe(200);
    await waitForIdle(svc);
    return svc.db
      .prepare(
        "SELECT payload, state, ticket_id FROM outbox WHERE kind = 'mail' AND dedupe_key LIKE 'client-notice:%'",
      )
      .all() as NoticeRow[];
  }

  it('mails the abuse contact on suspension when enabled, threaded into the enforcement ticket', async () => {
    const rows = await suspendAcme({ suspended: true });
    expect(rows).toHaveLength(1);
    const mail = JSON.parse(rows[0]!.payload) as Record<string, unknown>;
    const ticketId = rows[0]!.ticket_id;
    expect(rows[0]!.state).toBe('sent');
    expect(mail.to).toEqual({ name: '', address: 'compliance@acme.example' });
    expect(mail.subject).toBe(`[${ticketId}] Your account acme is suspended`);
    expect(mail.text).toContain('Reason: suspended by staff');
    expect(mail.headers).toMatchObject({ 'Auto-Submitted': 'auto-generated', 'Content-Language': 'en' });
    expect(mail.messageId).toMatch(new RegExp(`^<notice\\.${ticketId}\\.`));
    expect(listAudit(svc!.db, { action: 'client.notice' })[0]).toMatchObject({ target: 'acme' });
    const event = ticketEvents(svc!.db, ticketId).find((e) => e.type === 'mail');
    expect(event?.text).toContain('client notice (suspended) queued to compliance@acme.example');
  }, 30_000);

  it('sends nothing when notices for that status are off', async () => {
    const rows = await suspendAcme({ suspended: false, warned: true, watch: true, active: true });
    expect(rows).toEqual([]);
    expect(listAudit(svc!.db, { action: 'client.notice' })).toEqual([]);
  }, 30_000);
});
