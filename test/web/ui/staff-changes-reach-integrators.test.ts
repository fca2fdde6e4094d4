import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../src/auth/api-tokens.ts';
import { createStaffUser } from '../../../src/auth/staff-users.ts';
import { loadDemoIfEmpty } from '../../../src/clients/load-demo.ts';
import { openDatabase } from '../../../src/db/open-database.ts';
import { emptyReport } from '../../../src/parse/empty-report.ts';
import { addressHash } from '../../../src/privacy/address-hash.ts';
import { listAudit } from '../../../src/store/audit-store.ts';
import { SqliteMessageStore } from '../../../src/store/messages-store.ts';
import { saveDecisions, storeReport } from '../../../src/store/reports-store.ts';
import { suppressionChangesSince } from '../../../src/store/suppression-changes-store.ts';
import { eraseSuppressionAddress, suppress } from '../../../src/store/suppressions-store.ts';
import { createTicket, getTicket } from '../../../src/store/tickets-store.ts';
import { relaySuppressionChanges } from '../../../src/suppress/suppression-relay.ts';
import { buildHttpServer } from '../../../src/web/http-server.ts';
import { ingestedMessage, tempDataDir, testConfig } from '../../helpers/test-service.ts';
import { textOf } from './admin-ui-app.ts';
import { loginInject } from './ui-session.ts';

// What staff do on the pages reaches integrators like a change through the API: ticket.updated webhooks for notes
// and status changes, and un-suppressions that name who and why in the change log and its webhooks.

const ENDPOINT = { url: 'https://hooks.platform.example/abusedesk', secret: 'whsec_dGVzdHNlY3JldA==' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Harness {
  db: Database;
  app: FastifyInstance;
  hashKey: string;
  agent: { cookie: string; csrf: string };
  close: () => Promise<void>;
}

async function harness(): Promise<Harness> {
  const tmp = tempDataDir();
  const config = testConfig(tmp.dir, { webhooks: { endpoints: [ENDPOINT] } });
  const db = openDatabase(config);
  loadDemoIfEmpty(db, new Date('2026-11-01T00:00:00Z'));
  createStaffUser(db, {
    email: 'agent@esp.example',
    role: 'agent',
    password: 'agent password 1',
    now: new Date(),
  });
  const app = buildHttpServer({ db, config });
  await app.ready();
  const agent = await loginInject(app, 'agent@esp.example', 'agent password 1');
  return {
    db,
    app,
    hashKey: config.privacy.hashKey,
    agent,
    close: async () => {
      await app.close();
      db.close();
      tmp.cleanup();
    },
  };
}

const post = (h: Harness, url: string, fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams({ _csrf: h.agent.csrf });
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
  return h.app.inject({
    method: 'POST',
    url,
    headers: { ...FORM, cookie: h.agent.cookie },
    payload: body.toString(),
  });
};

/** The data of every queued webhook of one type, oldest first. */
const queued = (db: Database, type: string): Array<Record<string, unknown>> =>
  (
    db
      .prepare(
        "SELECT payload FROM outbox WHERE kind = 'webhook' AND json_extract(payload, '$.type') = ? ORDER BY id",
      )
      .all(type) as Array<{ payload: string }>
  ).map((r) => (JSON.parse(r.payload) as { data: Record<string, unknown> }).data);

/** A ticket for acme with one stored report, as the pipeline leaves it. */
function ticketWithReport(db: Database, n: number): { ticketId: string; reportId: number } {
  const at = new Date('2026-11-10T10:00:00Z');
  const m = new SqliteMessageStore(db).storeNow(
    ingestedMessage(`Subject: report ${n}\r\n\r\nx\r\n`, { receivedAt: at, source: 'smtp' }),
  );
  const reportId = storeReport(db, m.id, emptyReport('complaint', 'test'), at).id;
  const ticketId = createTicket(db, { type: 'complaint', subject: `spam ${n}`, clientId: 1, now: at });
  saveDecisions(db, reportId, [], ticketId);
  return { ticketId, reportId };
}

describe('staff changes on the pages reach integrators', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => h.close());

  it('a note, a status change and a bulk resolve from the UI each queue ticket.updated; a repeat of the same status does not', async () => {
    const a = ticketWithReport(h.db, 1).ticketId;
    const b = ticketWithReport(h.db, 2).ticketId;
    const note = await post(h, `/ui/tickets/${a}/note`, { text: 'called the client' });
    expect(note.statusCode).toBe(303);
    const pending = await post(h, `/ui/tickets/${a}/status`, {
      status: 'pending',
      pending_reason: 'waiting for the client',
    });
    expect(pending.statusCode).toBe(303);
    const bulk = await post(h, '/ui/tickets/bulk', { status: 'resolved', ids: [a, b], return: '/ui/' });
    expect(bulk.statusCode).toBe(303);
    expect(getTicket(h.db, b)!.status).toBe('resolved');
    // Already resolved: nothing changes, nothing is sent.
    await post(h, '/ui/tickets/bulk', { status: 'resolved', ids: [a], return: '/ui/' });

    expect(queued(h.db, 'ticket.updated')).toEqual([
      expect.objectContaining({ ticketId: a, change: 'note', by: 'user:agent@esp.example' }),
      expect.objectContaining({ ticketId: a, change: 'status', status: 'pending', from: 'open' }),
      expect.objectContaining({ ticketId: a, change: 'status', status: 'resolved', from: 'pending' }),
      expect.objectContaining({ ticketId: b, change: 'status', status: 'resolved', from: 'open' }),
    ]);
  });

  it('a refused status change queues nothing', async () => {
    const a = ticketWithReport(h.db, 1).ticketId;
    const r = await post(h, `/ui/tickets/${a}/status`, { status: 'pending', pending_reason: '' });
    expect(r.statusCode).toBe(400);
    expect(queued(h.db, 'ticket.updated')).toEqual([]);
  });

  it('un-suppressing from a ticket and removing on /ui/suppressions record the staff member and the reason in the change log and the webhook', async () => {
    const { ticketId, reportId } = ticketWithReport(h.db, 1);
    const now = new Date();
    const fromTicket = suppress(h.db, {
      address: 'jane@example.net',
      clientId: 1,
      reason: 'complaint',
      reportId,
      now,
    }).id;
    const single = suppress(h.db, { address: 'one@example.net', clientId: null, reason: 'manual', now }).id;
    const bulk = ['b1@example.net', 'b2@example.net'].map(
      (address) => suppress(h.db, { address, clientId: 1, reason: 'bounce', now }).id,
    );
    const r1 = await post(h, `/ui/tickets/${ticketId}/unsuppress`, {
      id: String(fromTicket),
      reason: 'complainant asked to be mailed again',
      confirm: 'yes',
    });
    expect(r1.statusCode).toBe(303);
    const r2 = await post(h, '/ui/suppressions/remove', {
      id: String(single),
      single: '1',
      reason: 'typo in the address',
      confirm: 'yes',
    });
    expect(r2.statusCode).toBe(303);
    const r3 = await post(h, '/ui/suppressions/remove', {
      id: bulk.map(String),
      reason: 'mailbox works again',
      confirm: 'yes',
    });
    expect(r3.statusCode).toBe(303);

    const removals = suppressionChangesSince(h.db, { afterId: 0, limit: 100 })
      .filter((c) => c.change === 'removed')
      .map((c) => [c.address, c.actor, c.why]);
    expect(removals).toEqual([
      ['jane@example.net', 'user:agent@esp.example', 'complainant asked to be mailed again'],
      ['one@example.net', 'user:agent@esp.example', 'typo in the address'],
      ['b1@example.net', 'user:agent@esp.example', 'mailbox works again'],
      ['b2@example.net', 'user:agent@esp.example', 'mailbox works again'],
    ]);
    relaySuppressionChanges(h.db, { endpoints: [ENDPOINT], now: new Date() });
    expect(queued(h.db, 'suppression.removed').map((d) => [d.address, d.by, d.why])).toEqual(removals);
    expect(listAudit(h.db, { action: 'suppression.remove' }).map((e) => e.actor)).toEqual(
      Array(4).fill('user:agent@esp.example'),
    );
  });

  it('exports show an erased address as its hash only: the API and UI CSV and the list page', async () => {
    const now = new Date();
    suppress(h.db, {
      address: 'gone@example.net',
      clientId: 1,
      reason: 'complaint',
      stream: 'marketing',
      now,
    });
    suppress(h.db, {
      address: 'kept@example.net',
      clientId: null,
      reason: 'bounce',
      now,
      expiresAt: new Date('2027-12-01T00:00:00Z'),
    });
    const hash = addressHash(h.hashKey, 'gone@example.net');
    expect(eraseSuppressionAddress(h.db, { address: 'gone@example.net', hash, now })).toBe(1);

    const token = createApiToken(h.db, { name: 'export', role: 'viewer', now }).secret;
    const api = await h.app.inject({
      method: 'GET',
      url: '/api/v1/suppressions/export.csv',
      headers: { authorization: `Bearer ${token}` },
    });
    const ui = await h.app.inject({
      method: 'GET',
      url: '/ui/suppressions.csv',
      headers: { cookie: h.agent.cookie },
    });
    for (const csv of [api, ui]) {
      expect(csv.statusCode).toBe(200);
      const [header, ...rows] = csv.body.trimEnd().split('\r\n');
      const cols = header!.split(',');
      expect(cols.slice(-3)).toEqual(['stream', 'expiresAt', 'addressHash']);
      const byAddress = new Map(
        rows.map((l) => {
          const cells = l.split(',');
          return [cells[0], Object.fromEntries(cols.map((c, i) => [c, cells[i]]))] as const;
        }),
      );
      expect(csv.body).not.toContain('gone@example.net');
      expect(csv.body).not.toContain('erased:');
      expect(byAddress.get('')).toMatchObject({
        client: 'acme',
        reason: 'complaint',
        stream: 'marketing',
        addressHash: hash,
      });
      expect(byAddress.get('kept@example.net')).toMatchObject({
        expiresAt: '2027-12-01T00:00:00.000Z',
        addressHash: '',
      });
    }

    const page = await h.app.inject({
      method: 'GET',
      url: '/ui/suppressions',
      headers: { cookie: h.agent.cookie },
    });
    expect(page.body).not.toContain('erased:');
    expect(textOf(page.body)).toContain(`erased (hash ${hash.slice(0, 12)}…)`);
  });
});
