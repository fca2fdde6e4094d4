import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPurge } from '../../src/lifecycle/run-purge.ts';
import { openSession, queueIdOf } from '../../src/bench/smtp-client.ts';
import { simpleMessage, startTestService, tempDataDir, waitFor } from '../helpers/test-service.ts';

const OLD = 100_000;

type Service = Awaited<ReturnType<typeof startTestService>>;

describe('a purge of 100k old raw messages runs in batches while SMTP intake keeps answering', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;

  beforeAll(async () => {
    tmp = tempDataDir();
    // No worker: the test counts stored messages; the purge is started by the test, not the schedule.
    svc = await startTestService(tmp.dir, {
      worker: false,
      overrides: { retention: { purgeIntervalMs: null } },
    });
    const message = svc.db.prepare(
      `INSERT INTO messages (queue_id, received_at, mail_from, rcpt_to, size, sha256, state)
       VALUES (?, '2025-01-01T00:00:00.000Z', 'fbl@provider.example', '["abuse@esp.example"]', 200, ?, 'done')`,
    );
    const raw = svc.db.prepare('INSERT INTO message_raw (message_id, raw) VALUES (?, ?)');
    const bytes = Buffer.from(simpleMessage('old report').padEnd(200, 'x'));
    // In transactions of 5,000: on PostgreSQL each message's row trigger updates the same per-state counter row,
    // whose versions cannot be pruned before their transaction ends, so one transaction of 100k slows
    // quadratically (it came close to this hook's time limit).
    for (let start = 0; start < OLD; start += 5_000)
      svc.db.transaction(() => {
        for (let i = start; i < Math.min(OLD, start + 5_000); i++) {
          const r = message.run(`OLD${i}`, `sha-old-${i}`);
          raw.run(r.lastInsertRowid, bytes);
        }
      })();
  }, 120_000);
  afterAll(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  it(
    'removes every old raw message, keeps the new ones, and every delivery during it is accepted',
    { timeout: 120_000 },
    async () => {
      const retention = { ...onlyRawMessages, rawMessagesDays: 90, batchSize: 500 };
      let batches = 0;
      let purging = true;
      const purge = runPurge(svc.db, { retention, now: new Date(), onBatch: () => batches++ }).finally(() => {
        purging = false;
      });
      const replies: Array<{ code: number; queueId: string | null; duringPurge: boolean }> = [];
      const { client } = await openSession(svc.smtpAddress.port);
      for (let i = 0; purging || i < 3; i++) {
        const reply = await client.send(
          'sender@provider.example',
          ['abuse@esp.example'],
          simpleMessage(`during purge ${i}`),
        );
        // Answered before the purge's last batch: intake was not held until the purge ended.
        replies.push({ code: reply.code, queueId: queueIdOf(reply), duringPurge: batches < OLD / 500 });
        // One delivery per batch: with the worker off every accepted message stays queued, and an unpaced sender
        // would reach the intake backlog limit (451 4.7.1) on an engine whose purge is slower.
        const seen = batches;
        await waitFor(() => batches > seen || !purging, 60_000, 'the next purge batch');
      }
      await client.quit();
      const result = await purge;

      expect(result.types).toEqual([expect.objectContaining({ type: 'raw-messages', removed: OLD })]);
      expect(batches).toBe(OLD / 500);
      expect(replies.filter((r) => !(r.code === 250 && r.queueId))).toEqual([]);
      // Intake answered while the purge was still going, not only after it.
      expect(replies.some((r) => r.duringPurge)).toBe(true);
      expect(svc.db.prepare('SELECT count(*) FROM message_raw').pluck().get()).toBe(replies.length);
      expect(
        svc.db.prepare(`SELECT count(*) FROM messages WHERE raw_purge_reason = 'retention'`).pluck().get(),
      ).toBe(OLD);
    },
  );
});

/** Retention of raw messages only: the other types are kept forever in this test. */
const onlyRawMessages = {
  rawMessagesDays: 90,
  reportsDays: null,
  resolvedTicketsDays: null,
  auditLogDays: null,
  outboxDays: null,
  expiredLoginsDays: null,
  goneNodesDays: null,
  purgeIntervalMs: null,
  batchSize: 500,
  batchPauseMs: 20,
};
