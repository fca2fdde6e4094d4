import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMessage } from '../../src/store/messages-store.ts';
import { getTicket } from '../../src/store/tickets-store.ts';
import { deliverAndProcess, startTestService, tempDataDir } from '../helpers/test-service.ts';
import { humanForward, staffQuestion, unmatchedFbl } from '../web/ui/inbox-mail.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

describe('unmatched feedback-loop reports are grouped per provider, sending domain and day', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let clock = new Date('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, { now: () => clock });
  });
  afterAll(async () => {
    await svc?.stop();
    tmp?.cleanup();
  });

  /** Delivers a message and returns the ticket its report was charged to, and the report's decisions. */
  async function deliver(
    rcpt: string,
    raw: string,
  ): Promise<{ ticketId: string; decisions: Array<Record<string, unknown>> }> {
    const queueId = await deliverAndProcess(svc, rcpt, raw);
    const row = svc.db
      .prepare('SELECT ticket_id AS ticketId, decisions FROM reports WHERE message_id = ?')
      .get(getMessage(svc.db, queueId)!.id) as { ticketId: string; decisions: string };
    return { ticketId: row.ticketId, decisions: JSON.parse(row.decisions) as Array<Record<string, unknown>> };
  }

  it('3 reports from one provider about one domain on one day: one ticket with 3 reports', async () => {
    const ids = [];
    for (let i = 1; i <= 3; i++)
      ids.push(
        (await deliver('fbl@esp.example', unmatchedFbl({ reportId: `<g${i}@aol.example>` }))).ticketId,
      );
    expect(new Set(ids).size).toBe(1);
    const t = getTicket(svc.db, ids[0]!)!;
    expect(t).toMatchObject({ type: 'unmatched', status: 'open', reportCount: 3 });
    expect(t.subject).toBe('Unmatched FBL reports from aol for mailer.unknown-sender.example on 2026-11-23');
    const reports = svc.db.prepare('SELECT count(*) AS n FROM reports WHERE ticket_id = ?').get(t.id) as {
      n: number;
    };
    expect(reports.n).toBe(3);
  });

  it('another domain, or no domain (grouped by source IP), opens its own group', async () => {
    const same = (await deliver('fbl@esp.example', unmatchedFbl({ reportId: '<g4@aol.example>' }))).ticketId;
    const other = (
      await deliver(
        'fbl@esp.example',
        unmatchedFbl({ reportId: '<g5@aol.example>', domain: 'other.example' }),
      )
    ).ticketId;
    const byIp = await deliver(
      'fbl@esp.example',
      unmatchedFbl({ reportId: '<g6@aol.example>', domain: null, sourceIp: '203.0.113.9' }),
    );
    expect(other).not.toBe(same);
    expect(byIp.ticketId).not.toBe(same);
    expect(getTicket(svc.db, byIp.ticketId)!.subject).toContain('for 203.0.113.9 on 2026-11-23');
    // An FBL report never causes outbound mail, grouped or not.
    expect(byIp.decisions.some((d) => d.kind === 'ack-queued')).toBe(false);
  });

  it('the next UTC day starts a new ticket for the same provider and domain', async () => {
    const today = (await deliver('fbl@esp.example', unmatchedFbl({ reportId: '<g7@aol.example>' }))).ticketId;
    clock = new Date('2026-11-24T00:05:00Z');
    const tomorrow = (await deliver('fbl@esp.example', unmatchedFbl({ reportId: '<g8@aol.example>' })))
      .ticketId;
    expect(tomorrow).not.toBe(today);
    expect(getTicket(svc.db, tomorrow)).toMatchObject({ reportCount: 1 });
    expect(getTicket(svc.db, tomorrow)!.subject).toContain('on 2026-11-24');
  });

  it('unmatched human complaints keep a ticket each, where their acknowledgement is decided', async () => {
    const a = await deliver(
      'abuse@esp.example',
      humanForward('Jane <jane@example.net>', '<fw1@example.net>'),
    );
    const b = await deliver(
      'abuse@esp.example',
      humanForward('Jane <jane@example.net>', '<fw2@example.net>'),
    );
    expect(a.ticketId).not.toBe(b.ticketId);
    for (const r of [a, b]) {
      expect(getTicket(svc.db, r.ticketId)).toMatchObject({ type: 'unmatched', reportCount: 1 });
      const ack = r.decisions.find((d) => d.kind === 'ack-queued' || d.kind === 'ack-skipped');
      expect(ack).toMatchObject({ ticketId: r.ticketId });
      expect(ack!.rule).not.toBe('kind-not-complaint');
    }
  });

  it('a message for staff triage is titled with its own subject and shows its sender', async () => {
    const r = await deliver(
      'abuse@esp.example',
      staffQuestion('Enrolment in your feedback loop', 'Pat <pat@isp.example>', '<q1@isp.example>'),
    );
    const t = getTicket(svc.db, r.ticketId)!;
    expect(t).toMatchObject({ type: 'other', subject: 'Enrolment in your feedback loop' });
    const row = svc.db.prepare('SELECT sender, original_subject AS s FROM tickets WHERE id = ?').get(t.id);
    expect(row).toEqual({ sender: 'pat@isp.example', s: 'Enrolment in your feedback loop' });
  });
});
