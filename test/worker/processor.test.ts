import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { SqliteMessageStore } from '../../src/store/messages-store.ts';
import { Processor, type ProcessorOptions } from '../../src/worker/processor.ts';
import type { BatchTimings } from '../../src/worker/batch-timings.ts';
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import type { Stage } from '../../src/worker/stage.ts';
import { getMessage, requeueMessage } from '../../src/store/messages-store.ts';
import {
  ingestedMessage,
  memoryLogger,
  simpleMessage,
  tempDataDir,
  testConfig,
} from '../helpers/test-service.ts';

describe('Processor', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  const setup = (stages: Stage[], clock: { t: number }, extra: Partial<ProcessorOptions> = {}) => {
    const db = openDatabase(testConfig(tmp.dir));
    const store = new SqliteMessageStore(db);
    const { logger, lines } = memoryLogger();
    const processor = new Processor({
      db,
      stages,
      logger,
      maxAttempts: 3,
      retryBaseMs: 1000,
      pollMs: 50,
      batchSize: 10,
      now: () => new Date(clock.t),
      ...extra,
    });
    const put = (s: string) =>
      store.storeNow(ingestedMessage(simpleMessage(s), { receivedAt: new Date(clock.t) }));
    return { db, processor, put, lines };
  };

  it('processes in arrival order and records each stage with its reason', async () => {
    const seen: string[] = [];
    const clock = { t: Date.parse('2026-11-23T10:00:00Z') };
    const { db, processor, put } = setup(
      [
        {
          name: 'headers',
          run: (ctx) => (seen.push(ctx.message.queueId), { outcome: 'read', reason: 'ok', data: { n: 1 } }),
        },
      ],
      clock,
    );
    const ids = ['a', 'b', 'c'].map((s) => put(s).queueId);
    expect(await processor.drain()).toBe(3);
    expect(seen).toEqual(ids);
    expect(getMessage(db, ids[0]!)).toMatchObject({
      state: 'done',
      attempts: 1,
      stages: [{ stage: 'headers', outcome: 'read', reason: 'ok' }],
    });
    db.close();
  });

  // SQLite's write lock, held by a second connection on this thread's timers; on PostgreSQL the wait is for other
  // nodes' commits (an advisory lock the synchronous connection would wait for with this thread blocked).
  it.skipIf(Boolean(process.env.ABUSEDESK_TEST_DATABASE_URL))(
    'reports where each batch spent its time: a batch kept from the SQLite write lock shows it before its commit',
    async () => {
      const clock = { t: Date.parse('2026-11-23T10:00:00Z') };
      const timings: BatchTimings[] = [];
      let other: BetterSqlite3.Database | null = null;
      let held: Promise<number> | null = null;
      const stage: Stage = {
        name: 'headers',
        // The first message's thinking makes another connection take the write lock for 40 ms from now (intake's
        // writer flushing, say): the batch cannot begin writing before it is let go.
        run: () => {
          if (!other) {
            other = new BetterSqlite3(join(tmp.dir, 'abusedesk.db'));
            other.exec('BEGIN IMMEDIATE');
            const from = performance.now();
            held = new Promise((resolve) =>
              setTimeout(() => {
                other!.exec('COMMIT');
                resolve(performance.now() - from);
              }, 40),
            );
          }
          return { outcome: 'read', reason: 'ok' };
        },
        commit: () => ({ outcome: 'read', reason: 'ok' }),
      };
      const { db, processor, put } = setup([stage], clock, { onBatch: (t) => timings.push(t) });
      for (const s of ['a', 'b', 'c']) put(s);
      expect(await processor.drain()).toBe(3);
      const heldMs = await held!;
      expect(timings).toHaveLength(1);
      const [t] = timings;
      expect(t!.messages).toBe(3);
      // The lock was taken during the thinking and held at least heldMs: thinking and waiting together cover it,
      // and the commit (statements and the durable COMMIT) is measured after it.
      expect(t!.ms.think + t!.ms.wait).toBeGreaterThanOrEqual(heldMs - 1);
      expect(t!.ms.claim).toBeGreaterThan(0);
      expect(t!.ms.commit).toBeGreaterThan(0);
      other!.close();
      db.close();
    },
  );

  it("runs a stage's finishBatch once per batch; a failing one is undone and logged, and the messages still complete", async () => {
    const clock = { t: Date.parse('2026-11-23T10:00:00Z') };
    let batches = 0;
    let fail = true;
    const stage: Stage = {
      name: 'actions',
      commit: (ctx) => {
        ctx.db.prepare("INSERT INTO audit_log (at, actor, action) VALUES ('t', 'test', 'per-message')").run();
        return { outcome: 'ok', reason: 'fine' };
      },
      finishBatch: ({ db }) => {
        batches++;
        db.prepare("INSERT INTO audit_log (at, actor, action) VALUES ('t', 'test', 'per-batch')").run();
        if (fail) throw new Error('assessment broke');
      },
    };
    const { db, processor, put, lines } = setup([stage], clock);
    const ids = ['a', 'b', 'c'].map((s) => put(s).queueId);
    expect(await processor.drain()).toBe(3);
    expect(batches).toBe(1);
    expect(ids.map((id) => getMessage(db, id)!.state)).toEqual(['done', 'done', 'done']);
    expect(db.prepare('SELECT action, count(*) AS n FROM audit_log GROUP BY action').all()).toEqual([
      { action: 'per-message', n: 3 },
    ]);
    expect(lines.find((l) => l.event === 'worker.batch_step_failed')).toMatchObject({ stage: 'actions' });
    fail = false;
    put('d');
    await processor.drain();
    expect(db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'per-batch'").get()).toEqual({
      n: 1,
    });
    db.close();
  });

  it("runs a stage's finishMessage after every stage's commit of the message, inside its savepoint", async () => {
    const clock = { t: Date.parse('2026-11-23T10:00:00Z') };
    const failFor = new Set(['b']);
    const audit = (db: Parameters<NonNullable<Stage['commit']>>[0]['db'], action: string): void => {
      db.prepare("INSERT INTO audit_log (at, actor, action) VALUES ('t', 'test', ?)").run(action);
    };
    const stages: Stage[] = [
      {
        name: 'actions',
        commit: (ctx) => {
          audit(ctx.db, `actions ${ctx.message.queueId}`);
          return { outcome: 'ok', reason: 'fine' };
        },
        // Sees what the later stage handed on: it runs once every commit of the message is done.
        finishMessage: (ctx) => {
          const later = ctx.state.enforcement?.status ?? 'none yet';
          audit(ctx.db, `finish ${later}`);
          const body = ctx.raw.toString();
          if ([...failFor].some((s) => body.includes(`Subject: ${s}`))) throw new Error('row write broke');
        },
      },
      {
        name: 'enforcement',
        commit: () => ({
          outcome: 'recorded',
          reason: 'fine',
          state: { enforcement: { status: 'recorded', signals: [], decisions: [] } },
        }),
      },
    ];
    const { db, processor, put } = setup(stages, clock);
    const [a, b] = ['a', 'b'].map((s) => put(s).queueId);
    await processor.drain();
    const actions = () => db.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all() as string[];
    // b's finishMessage threw: its own writes (actions and finish) are undone, a's stay; b waits for a retry.
    expect(actions()).toEqual([`actions ${a}`, 'finish recorded']);
    expect(getMessage(db, a!)!.state).toBe('done');
    expect(getMessage(db, b!)).toMatchObject({ state: 'queued', lastError: 'actions: row write broke' });
    db.close();
  });

  it('pins a write that fails only when sent (PostgreSQL sends writes with the next read) on its own message', async () => {
    const clock = { t: Date.parse('2026-11-23T10:00:00Z') };
    const commits: string[] = [];
    const stage: Stage = {
      name: 'actions',
      // Each message writes one row keyed by its subject's first letter: b2 repeats b1's key, a primary-key
      // violation PostgreSQL reports with a later message's statements, not with b2's own.
      commit: (ctx) => {
        const subject = /Subject: (\w+)/.exec(ctx.raw.toString())![1]!;
        commits.push(subject);
        ctx.db
          .prepare(
            "INSERT INTO spam_traps (address, source, created_by, created_at) VALUES (?, 'staff', 'test', 't')",
          )
          .run(`${subject[0]}@trap.example`);
        ctx.db.prepare("INSERT INTO audit_log (at, actor, action) VALUES ('t', 'test', ?)").run(subject);
        return { outcome: 'ok', reason: `wrote ${subject}` };
      },
    };
    const { db, processor, put } = setup([stage], clock);
    const ids = ['a1', 'b1', 'b2', 'c1'].map((s) => put(s).queueId);
    expect(await processor.drain()).toBe(4);
    const [a1, b1, b2, c1] = ids.map((id) => getMessage(db, id));
    expect([a1, b1, c1].map((m) => m!.state)).toEqual(['done', 'done', 'done']);
    expect(b2).toMatchObject({ state: 'queued', attempts: 1 });
    expect(b2!.lastError).toMatch(/^actions: .*(unique|duplicate)/i);
    // Only b2's writes are undone; the others' are there once, and each trail has this run's entry once.
    expect(db.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all()).toEqual(['a1', 'b1', 'c1']);
    expect(db.prepare('SELECT address FROM spam_traps ORDER BY address').pluck().all()).toEqual([
      'a@trap.example',
      'b@trap.example',
      'c@trap.example',
    ]);
    expect(c1!.stages).toEqual([expect.objectContaining({ stage: 'actions', reason: 'wrote c1', run: 1 })]);
    // The batch was written without savepoints up to the failure (SQLite: b2's own statement; PostgreSQL: when the
    // writes went out), then again with each message isolated.
    expect(commits.slice(0, 3)).toEqual(['a1', 'b1', 'b2']);
    expect(commits.slice(-4)).toEqual(['a1', 'b1', 'b2', 'c1']);
    db.close();
  });

  it('retries a failing stage with backoff, then quarantines it with the error — never drops it', async () => {
    let fail = true;
    const clock = { t: Date.parse('2026-11-23T10:00:00Z') };
    const { db, processor, put, lines } = setup(
      [
        {
          name: 'classify',
          run: () => {
            if (fail) throw new Error('boom');
            return { outcome: 'ok', reason: 'fine' };
          },
        },
      ],
      clock,
    );
    const { queueId } = put('x');
    await processor.drain();
    expect(getMessage(db, queueId)).toMatchObject({
      state: 'queued',
      attempts: 1,
      lastError: 'classify: boom',
      nextAttemptAt: '2026-11-23T10:00:01.000Z',
    });
    expect(await processor.drain()).toBe(0); // not due yet
    clock.t += 1000;
    await processor.drain();
    expect(getMessage(db, queueId)).toMatchObject({
      state: 'queued',
      attempts: 2,
      nextAttemptAt: '2026-11-23T10:00:03.000Z',
    });
    clock.t += 2000;
    await processor.drain();
    expect(getMessage(db, queueId)).toMatchObject({
      state: 'quarantined',
      attempts: 3,
      lastError: 'classify: boom',
    });
    expect(lines.some((l) => l.event === 'worker.quarantined')).toBe(true);
    // staff retry after the fix
    fail = false;
    expect(requeueMessage(db, getMessage(db, queueId)!.id)).toBe(true);
    await processor.drain();
    expect(getMessage(db, queueId)).toMatchObject({ state: 'done', lastError: null });
    db.close();
  });
});
