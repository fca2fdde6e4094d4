import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config-schema.ts';
import { frenchInlineForward } from '../../src/demo/report-builders.ts';
import { runPurge } from '../../src/lifecycle/run-purge.ts';
import { writeAudit } from '../../src/store/audit-store.ts';
import { recordLoginFailure } from '../../src/store/login-failures-store.ts';
import { claimOutboxRow, queueMail } from '../../src/store/outbox-store.ts';
import { insertStaffSession } from '../../src/store/staff-store.ts';
import { createTicket, setTicketStatus, ticketEvents } from '../../src/store/tickets-store.ts';
import { retentionTypes, type RetentionType } from '../../src/store/retention-store.ts';
import { listNodes, reportNode } from '../../src/store/cluster-nodes-store.ts';
import { claimDueMessages, claimsByNode, SqliteMessageStore } from '../../src/store/messages-store.ts';
import { retentionKeyOf } from '../../src/lifecycle/retention-plan.ts';
import {
  deliverAndProcess,
  ingestedMessage,
  springSaleToken,
  startTestService,
  tempDataDir,
  testConfig,
  waitForIdle,
} from '../helpers/test-service.ts';

const DAY = 24 * 3600_000;
/** Old data is 41 days old at purge time, young data 1 day: a 20-day retention splits them. */
const T0 = new Date('2026-03-01T10:00:00Z');
const T1 = new Date(T0.getTime() + 40 * DAY);
const PURGE_AT = new Date(T1.getTime() + DAY);

type Service = Awaited<ReturnType<typeof startTestService>>;

describe('retention: data past each limit is purged, nothing younger is', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let clock = T0;
  const q: { old?: string; young?: string } = {};

  /** Retention with only `type` limited (20 days; 0 for the expiry-based login data); every other type kept forever. */
  const only = (type: RetentionType): Config['retention'] => {
    const r = { ...testConfig(tmp.dir).retention };
    for (const t of retentionTypes) r[retentionKeyOf[t]] = null;
    r[retentionKeyOf[type]] = type === 'sessions' || type === 'login-failures' ? 0 : 20;
    return { ...r, batchSize: 2 };
  };
  const one = <T>(sql: string, ...args: unknown[]): T => svc.db.prepare(sql).get(...args) as T;
  const messageOf = (queueId: string) =>
    one<{ id: number; raw_purged_at: string | null; stages: string | null; hasRaw: number }>(
      'SELECT m.id, m.raw_purged_at, m.stages, (SELECT count(*) FROM message_raw r WHERE r.message_id = m.id) AS hasRaw FROM messages m WHERE queue_id = ?',
      queueId,
    );
  const reportOf = (queueId: string) =>
    one<{ id: number; ticket_id: string; complainants: string; parsed: string; purged_at: string | null }>(
      'SELECT r.* FROM reports r JOIN messages m ON m.id = r.message_id WHERE m.queue_id = ?',
      queueId,
    );

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, {
      now: () => clock,
      overrides: { outbox: { ackRequireAuthentication: false }, retention: { purgeIntervalMs: null } },
    });
    const complaint = (reporter: string, n: number) =>
      frenchInlineForward({
        reporter,
        messageId: `<fwd-${n}@example.fr>`,
        token: springSaleToken(tmp.dir, `jane${n}@example.net`),
        to: `jane${n}@example.net`,
      });
    const userId = (one<{ id: number }>('SELECT id FROM staff_users LIMIT 1') ?? { id: 0 }).id;
    for (const [at, key] of [
      [T0, 'old'],
      [T1, 'young'],
    ] as const) {
      clock = at;
      q[key] = await deliverAndProcess(
        svc,
        'abuse@esp.example',
        complaint(`${key}@example.fr`, key === 'old' ? 1 : 2),
      );
      await waitForIdle(svc);
      writeAudit(svc.db, { actor: 'cli:test', action: 'test.action', target: key, now: at });
      const t = createTicket(svc.db, { type: 'other', subject: `${key} resolved`, now: at });
      setTicketStatus(svc.db, t, 'resolved', { actor: 'cli:test', now: at });
      createTicket(svc.db, { type: 'other', subject: `${key} still open`, now: at });
      const failed = queueMail(svc.db, {
        dedupeKey: `test:${key}:failed`,
        payload: '{}',
        at: at.toISOString(),
        ticketId: null,
        reportId: null,
      });
      svc.db.prepare(`UPDATE outbox SET state = 'failed' WHERE id = ?`).run(failed.id);
      if (userId)
        insertStaffSession(svc.db, {
          id: `session-${key}`,
          userId,
          csrf: 'x',
          now: T0,
          expiresAt: new Date(at.getTime() + DAY / 2),
        });
    }
    // Pending rows (leased far ahead, so the sender leaves them) are added last: waitForIdle waits for pending mail.
    for (const [at, key] of [
      [T0, 'old'],
      [T1, 'young'],
    ] as const) {
      const pending = queueMail(svc.db, {
        dedupeKey: `test:${key}:pending`,
        payload: '{}',
        at: at.toISOString(),
        ticketId: null,
        reportId: null,
      });
      claimOutboxRow(svc.db, pending.id, at.toISOString(), '2999-01-01T00:00:00.000Z');
    }
    // Recording a failure drops ended windows: the young one first, then the old one as of its own time.
    recordLoginFailure(svc.db, ['ip:young'], T1.getTime(), DAY / 2);
    recordLoginFailure(svc.db, ['ip:old'], T0.getTime(), DAY / 2);
    clock = PURGE_AT;
  }, 60_000);
  afterAll(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  it('raw messages: the old raw bytes go, the row stays marked and its ticket says so; the young one is kept', async () => {
    const r = await runPurge(svc.db, { retention: only('raw-messages'), now: PURGE_AT });
    expect(r.types).toEqual([expect.objectContaining({ type: 'raw-messages', removed: 1 })]);
    expect(messageOf(q.old!)).toMatchObject({ hasRaw: 0, raw_purged_at: PURGE_AT.toISOString() });
    expect(messageOf(q.young!)).toMatchObject({ hasRaw: 1, raw_purged_at: null });
    const old = reportOf(q.old!);
    expect(ticketEvents(svc.db, old.ticket_id).map((e) => e.text)).toContain(
      `raw message of report #${old.id} purged on ${PURGE_AT.toISOString().slice(0, 10)} (retention 20 d)`,
    );
    const young = reportOf(q.young!);
    expect(
      ticketEvents(svc.db, young.ticket_id)
        .map((e) => e.text)
        .join('\n'),
    ).not.toContain('purged');
  });

  it('parsed reports and stage trails: the old report loses its addresses, the young one keeps them', async () => {
    const r = await runPurge(svc.db, { retention: only('reports'), now: PURGE_AT });
    expect(r.types[0]).toMatchObject({ type: 'reports', removed: 1 });
    const old = reportOf(q.old!);
    expect(old.purged_at).toBe(PURGE_AT.toISOString());
    expect(JSON.parse(old.complainants)).toEqual([]);
    expect(old.parsed).not.toContain('jane1@example.net');
    expect(old.parsed).not.toContain('old@example.fr');
    expect(messageOf(q.old!).stages).toBeNull();
    const young = reportOf(q.young!);
    expect(young.purged_at).toBeNull();
    expect(young.parsed).toContain('young@example.fr');
    expect(messageOf(q.young!).stages).not.toBeNull();
  });

  it('resolved tickets: the old resolved ticket goes; the young one and open tickets stay', async () => {
    const r = await runPurge(svc.db, { retention: only('resolved-tickets'), now: PURGE_AT });
    expect(r.types[0]).toMatchObject({ type: 'resolved-tickets', removed: 1 });
    const subjects = (svc.db.prepare('SELECT subject FROM tickets').pluck().all() as string[]).sort();
    expect(subjects).not.toContain('old resolved');
    expect(subjects).toEqual(
      expect.arrayContaining(['young resolved', 'old still open', 'young still open']),
    );
  });

  it('audit log: entries past the limit go, younger ones stay', async () => {
    const r = await runPurge(svc.db, { retention: only('audit-log'), now: PURGE_AT });
    expect(r.types[0]!.removed).toBeGreaterThanOrEqual(1);
    const targets = svc.db
      .prepare(`SELECT target FROM audit_log WHERE action = 'test.action'`)
      .pluck()
      .all() as string[];
    expect(targets).toEqual(['young']);
  });

  it('outbox and webhook logs: old sent and failed rows go; young ones and pending rows stay', async () => {
    const before = one<{ n: number }>(
      `SELECT count(*) AS n FROM outbox WHERE state IN ('sent', 'failed') AND created_at < ?`,
      T1.toISOString(),
    ).n;
    expect(before).toBeGreaterThanOrEqual(2); // the old acknowledgement (sent) and the old failed row
    const r = await runPurge(svc.db, { retention: only('outbox'), now: PURGE_AT });
    expect(r.types[0]!.removed).toBe(before);
    const rows = svc.db
      .prepare('SELECT dedupe_key AS k, state, created_at AS at FROM outbox')
      .all() as Array<{
      k: string;
      state: string;
      at: string;
    }>;
    expect(rows.filter((x) => x.state !== 'pending' && x.at < T1.toISOString())).toEqual([]);
    expect(rows.map((x) => x.k)).toEqual(
      expect.arrayContaining(['test:old:pending', 'test:young:pending', 'test:young:failed']),
    );
    expect(rows.some((x) => x.state === 'sent' && x.at === T1.toISOString())).toBe(true);
  });

  it('expired sessions and ended login-failure windows go (one key: expiredLoginsDays); live ones stay', async () => {
    // The young session and the young window end 12 h after T1: still live at T1 + 6 h.
    const r = await runPurge(svc.db, { retention: only('sessions'), now: new Date(T1.getTime() + DAY / 4) });
    expect(r.types.find((t) => t.type === 'sessions')).toMatchObject({ removed: 1 });
    expect(r.types.find((t) => t.type === 'login-failures')).toMatchObject({ removed: 1 });
    expect(svc.db.prepare(`SELECT id FROM staff_sessions WHERE id LIKE 'session-%'`).pluck().all()).toEqual([
      'session-young',
    ]);
    expect(svc.db.prepare('SELECT key FROM login_failures').pluck().all()).toEqual(['ip:young']);
  });

  it('nodes: one not heard from past the limit leaves the node list with its claims; a younger one and the running node stay', async () => {
    // Node ids that change at every start leave a row each: mx1 last reported 41 days before the purge, mx2 one day.
    for (const [id, at] of [
      ['mx1:4242', T0],
      ['mx2:4343', T1],
    ] as const)
      reportNode(svc.db, {
        id,
        startedAt: at.toISOString(),
        seenAt: at.toISOString(),
        smtp: '10.0.0.1:25',
        http: null,
      });
    new SqliteMessageStore(svc.db).storeNow(
      ingestedMessage('Subject: held\r\n\r\nx\r\n', { receivedAt: T0 }),
    );
    expect(claimDueMessages(svc.db, T0, 10, { node: 'mx1:4242', until: T1 })).toHaveLength(1);
    const dry = await runPurge(svc.db, { retention: only('nodes'), now: PURGE_AT, dryRun: true });
    expect(dry.types).toEqual([expect.objectContaining({ type: 'nodes', removed: 1 })]);
    expect(listNodes(svc.db).map((n) => n.id)).toContain('mx1:4242');
    const r = await runPurge(svc.db, { retention: only('nodes'), now: PURGE_AT });
    expect(r.types).toEqual([expect.objectContaining({ type: 'nodes', removed: 1 })]);
    const left = listNodes(svc.db).map((n) => n.id);
    expect(left).not.toContain('mx1:4242');
    expect(left).toContain('mx2:4343');
    // The test service's own node reports itself on the wall clock: well inside the retention.
    expect(left.length).toBeGreaterThanOrEqual(2);
    expect(claimsByNode(svc.db).get('mx1:4242')).toBeUndefined();
  });

  it('a dry run counts what would go and removes nothing; suppressions are never purged', async () => {
    const suppressions = svc.db.prepare('SELECT count(*) FROM suppressions').pluck().get() as number;
    expect(suppressions).toBeGreaterThan(0);
    const everything = {
      ...testConfig(tmp.dir).retention,
      rawMessagesDays: 0,
      reportsDays: 0,
      resolvedTicketsDays: 0,
      auditLogDays: 0,
      outboxDays: 0,
    };
    const dry = await runPurge(svc.db, { retention: everything, now: PURGE_AT, dryRun: true });
    const raw = dry.types.find((t) => t.type === 'raw-messages')!;
    expect(raw.removed).toBe(1); // the young one (the old one is gone already)
    expect(messageOf(q.young!).hasRaw).toBe(1);
    await runPurge(svc.db, { retention: everything, now: PURGE_AT });
    expect(messageOf(q.young!).hasRaw).toBe(0);
    expect(svc.db.prepare('SELECT count(*) FROM suppressions').pluck().get()).toBe(suppressions);
  });
});
