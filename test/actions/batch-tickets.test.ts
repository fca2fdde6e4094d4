import { afterEach, describe, expect, it } from 'vitest';
import { BatchTickets } from '../../src/actions/batch-tickets.ts';
import { fblReport } from '../../src/demo/report-builders.ts';
import { loadMailboxProviders } from '../../src/enforcement/mailbox-providers.ts';
import type { RunningService } from '../../src/service/start-service.ts';
import { SqliteMessageStore } from '../../src/store/messages-store.ts';
import { insertSends } from '../../src/store/sends-store.ts';
import { createTicket, getTicket, setTicketStatus, ticketEvents } from '../../src/store/tickets-store.ts';
import { pipelineStages } from '../../src/worker/pipeline-stages.ts';
import { Processor } from '../../src/worker/processor.ts';
import type { Stage } from '../../src/worker/stage.ts';
import {
  eachTestDatabase,
  memoryLogger,
  smtpEnvelope,
  startTestService,
  tempDataDir,
  testConfig,
} from '../helpers/test-service.ts';

const NOW = new Date('2026-03-02T10:00:00Z');

/**
 * A batch's reports on one ticket: each gets its own timeline entry at once, the ticket's count, flags, last change
 * and inbox facts are written once for the batch — and come out as if each report had been recorded on its own.
 */
describe("a batch's reports on one ticket", () => {
  let svc: RunningService;
  let cleanup: () => void = () => undefined;
  let dataDir = '';
  afterEach(async () => {
    await svc?.stop();
    cleanup();
  });

  const names = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay'];
  const start = async (): Promise<RunningService> => {
    const tmp = tempDataDir();
    cleanup = tmp.cleanup;
    dataDir = tmp.dir;
    // No worker loop: the test takes each batch itself.
    svc = await startTestService(tmp.dir, { worker: false, now: () => NOW });
    const sends = names.map((name, i) => ({
      messageId: `<m${i}@news.acme.example>`,
      recipient: `${name}@far.example`,
      client: 'acme',
      campaign: null,
      sentAt: '2026-03-01T10:00:00Z',
      stream: 'marketing',
    }));
    expect(insertSends(svc.db, sends, new Date(), loadMailboxProviders()).errors).toEqual([]);
    return svc;
  };

  /** Redacted ARF complaints about the sends of `names[i]` for each i: stored, not processed. */
  const store = (s: RunningService, which: number[]): void => {
    const messages = new SqliteMessageStore(s.db);
    for (const i of which)
      messages.storeNow({
        ...smtpEnvelope,
        raw: Buffer.from(
          fblReport({
            from: 'Feedback Loop <fbl@isp.example>',
            reportMessageId: `<fbl-${i}@isp.example>`,
            originalTo: 'redacted@far.example',
            originalMessageId: `<m${i}@news.acme.example>`,
          }),
        ),
      });
  };

  const incident = (s: RunningService): string =>
    s.db.prepare("SELECT id FROM tickets WHERE type = 'incident'").pluck().get() as string;

  /** Each report's ticket decisions, in the order the reports were made. */
  const ticketDecisions = (s: RunningService): string[][] =>
    (s.db.prepare('SELECT decisions FROM reports ORDER BY id').pluck().all() as Array<string | null>).map(
      (d) =>
        (JSON.parse(d ?? '[]') as Array<{ kind: string }>)
          .map((x) => x.kind)
          .filter((k) => k.endsWith('-ticket')),
    );

  it('counts every report, reopens a resolved ticket once and keeps its timeline in order', async () => {
    const s = await start();
    const processor = s.processor as Processor;
    store(s, [0]);
    expect(await processor.drainOnce()).toBe(1);
    const id = incident(s);
    expect(getTicket(s.db, id)).toMatchObject({ reportCount: 1, status: 'open' });
    setTicketStatus(s.db, id, 'resolved', { actor: 'staff@esp.example', now: NOW });

    // Three complaints about the same campaign, committed in one batch.
    store(s, [1, 2, 3]);
    expect(await processor.drainOnce()).toBe(3);
    expect(getTicket(s.db, id)).toMatchObject({
      reportCount: 4,
      status: 'open',
      updatedAt: NOW.toISOString(),
    });
    expect(ticketEvents(s.db, id).map((e) => e.type)).toEqual([
      'report',
      'status',
      'report',
      'status',
      'report',
      'report',
    ]);
    expect(ticketEvents(s.db, id)[3]!.text).toBe(
      'resolved → open: reopened: a new report arrived after it was resolved',
    );
    // The first report of the batch reopened the ticket; the others were appended to it.
    expect(ticketDecisions(s)).toEqual([
      ['open-ticket'],
      ['append-ticket', 'reopen-ticket'],
      ['append-ticket'],
      ['append-ticket'],
    ]);
    expect(s.db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(1);
    expect(s.db.prepare('SELECT original_subject FROM tickets').pluck().get()).toBe(
      'Spring sale: 50% off everything',
    );
  }, 60_000);

  it('counts each report once when the batch is written again message by message', async () => {
    const s = await start();
    // The pipeline and, last, a stage that fails for one message: the batch is then written again with each
    // message in its own savepoint, where the others commit and the failing one is undone with what it counted.
    const failing: Stage = {
      name: 'after',
      commit: (ctx) => {
        if (ctx.message.messageId === '<fbl-4@isp.example>') throw new Error('disk on fire');
        return { outcome: 'ok', reason: 'fine' };
      },
    };
    const processor = new Processor({
      db: s.db,
      stages: [...pipelineStages(testConfig(dataDir)), failing],
      logger: memoryLogger().logger,
      maxAttempts: 3,
      retryBaseMs: 60_000,
      pollMs: 50,
      batchSize: 10,
      now: () => NOW,
    });
    store(s, [0, 1]);
    expect(await processor.drainOnce()).toBe(2);
    store(s, [2, 3, 4, 5]);
    expect(await processor.drainOnce()).toBe(4);
    const id = incident(s);
    expect(s.db.prepare('SELECT m.state FROM messages m ORDER BY m.id').pluck().all()).toEqual([
      'done',
      'done',
      'done',
      'done',
      'queued',
      'done',
    ]);
    expect(getTicket(s.db, id)!.reportCount).toBe(5);
    expect(ticketEvents(s.db, id).filter((e) => e.type === 'report')).toHaveLength(5);
  }, 60_000);
});

describe('BatchTickets', () => {
  const t = eachTestDatabase();
  const facts = (o: Partial<Record<'originalSubject' | 'sender' | 'provider', string>>) => ({
    originalSubject: o.originalSubject ?? null,
    sender: o.sender ?? null,
    provider: o.provider ?? null,
    sendingDomain: null,
    sourceIp: null,
  });

  it("writes each ticket's count, flags and inbox facts once, the first report's facts first", () => {
    const at = (m: number) => new Date(Date.UTC(2026, 2, 2, 10, m));
    const id = createTicket(t.db, { type: 'incident', subject: 'Complaints', incidentKey: 'k', now: at(0) });
    // Two reports to record (their timeline entries name them).
    for (const n of [1, 2]) {
      const message = t.db
        .prepare(
          "INSERT INTO messages (queue_id, received_at, mail_from, rcpt_to, size, sha256, state) VALUES (?, ?, '', '[]', 0, ?, 'done')",
        )
        .run(`q${n}`, at(0).toISOString(), `sha${n}`).lastInsertRowid;
      t.db
        .prepare(
          "INSERT INTO reports (id, message_id, kind, reason, trusted, complainants, redacted, parsed, created_at) VALUES (?, ?, 'fbl', 'r', 0, '[]', 0, '{}', ?)",
        )
        .run(n, message, at(0).toISOString());
    }
    t.db.prepare("UPDATE tickets SET sender = 'kept@isp.example', flags = '[\"old\"]' WHERE id = ?").run(id);
    const tickets = new BatchTickets(t.db, true);
    const ticket = tickets.byIncidentKey('k')!;
    expect(tickets.byIncidentKey('missing')).toBeNull();
    const event = (reportId: number, flags: string[], m: number) => ({
      reportId,
      text: `report ${reportId}`,
      flags,
      now: at(m),
    });
    tickets.record(ticket, event(1, ['a'], 1), facts({ provider: 'aol', sender: 'one@isp.example' }));
    // The batch's later lookups see what it already added.
    expect(tickets.byIncidentKey('k')!.flags).toEqual(['old', 'a']);
    tickets.record(ticket, event(2, ['b', 'a'], 2), facts({ originalSubject: 'Sale', provider: 'yahoo' }));
    // Nothing is counted until the batch ends; the timeline entries are there at once.
    expect(getTicket(t.db, id)).toMatchObject({ reportCount: 0, flags: ['old'] });
    expect(ticketEvents(t.db, id).map((e) => e.text)).toEqual(['report 1', 'report 2']);
    tickets.write();
    expect(getTicket(t.db, id)).toMatchObject({
      reportCount: 2,
      flags: ['old', 'a', 'b'],
      updatedAt: at(2).toISOString(),
    });
    expect(
      t.db.prepare('SELECT original_subject AS s, sender, provider FROM tickets WHERE id = ?').get(id),
    ).toEqual({ s: 'Sale', sender: 'kept@isp.example', provider: 'aol' });
    // Written once: a second end of the batch adds nothing.
    tickets.write();
    expect(getTicket(t.db, id)!.reportCount).toBe(2);
  });
});
