import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSession, queueIdOf } from '../../src/bench/smtp-client.ts';
import { getMessage } from '../../src/store/messages-store.ts';
import { PipelineProcess } from '../../src/worker/pipeline-process.ts';
import { cliEnv, cliPath } from '../helpers/cli-process.ts';
import { startTestService, tempDataDir, waitFor } from '../helpers/test-service.ts';

const METRICS_TOKEN = 'pipeline-process-metrics-token';

type Service = Awaited<ReturnType<typeof startTestService>>;

const fixtureDir = new URL('../fixtures/fbl/', import.meta.url).pathname;
/** Real feedback-loop reports, each one complaint. */
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.eml'))
  .sort()
  .map((f) => readFileSync(join(fixtureDir, f), 'latin1'));

/** Whether a process runs (a zombie left to a container's init that never reaps counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Sends each message over SMTP (without waiting for processing); returns their queue ids. */
async function deliver(svc: Service, messages: string[]): Promise<string[]> {
  const { client } = await openSession(svc.smtpAddress.port);
  const ids: string[] = [];
  for (const m of messages) {
    const reply = await client.send('fbl@provider.example', ['fbl@esp.example'], m);
    expect(reply.code).toBe(250);
    ids.push(queueIdOf(reply)!);
  }
  await client.quit();
  return ids;
}

/** Waits, through the database, until every message is done. */
const allDone = (svc: Service, ids: string[], what: string) =>
  waitFor(() => ids.every((q) => getMessage(svc.db, q)?.state === 'done'), 30_000, what);

const reportsOf = (svc: Service, queueId: string) =>
  svc.db
    .prepare(
      'SELECT r.kind, r.ticket_id AS ticket FROM reports r JOIN messages m ON m.id = r.message_id WHERE m.queue_id = ?',
    )
    .all(queueId) as Array<{ kind: string; ticket: string | null }>;

describe('the pipeline in a child process of serve (worker.process)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service | null = null;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(async () => {
    await svc?.stop();
    svc = null;
    tmp.cleanup();
  });

  it('processes mail in another process, reports to /healthz, replaces a killed child and stops it', async () => {
    svc = await startTestService(tmp.dir, {
      overrides: { worker: { process: true }, http: { metricsToken: METRICS_TOKEN } },
    });
    const runner = svc.processor;
    expect(runner).toBeInstanceOf(PipelineProcess);
    const pipeline = runner as PipelineProcess;
    const firstPid = pipeline.pid!;
    expect(firstPid).toBeGreaterThan(0);
    expect(firstPid).not.toBe(process.pid);

    const first = await deliver(svc, fixtures.slice(0, 3));
    await allDone(svc, first, 'the first messages to be processed');
    for (const q of first) {
      const reports = reportsOf(svc, q);
      expect(reports).toHaveLength(1);
      expect(reports[0]!.kind).toBe('fbl');
      expect(reports[0]!.ticket).toBeTruthy();
    }
    // The child's log lines reach serve's logger.
    await waitFor(
      () => first.every((q) => svc!.lines.some((l) => l.event === 'worker.processed' && l.queueId === q)),
      10_000,
      "the child's worker.processed lines",
    );
    expect(svc.lines.some((l) => l.event === 'worker.process_started' && l.pid === firstPid)).toBe(true);
    // Its outcomes reach serve's metrics (they follow the commit and its log lines).
    const processedDone = async (): Promise<number> => {
      const r = await svc!.http.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      const m = /abusedesk_messages_processed_total\{[^}]*state="done"[^}]*\} (\d+)/.exec(r.body);
      return m ? Number(m[1]) : 0;
    };
    for (const deadline = Date.now() + 10_000; (await processedDone()) < first.length;) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the processed metric');
      await new Promise((r) => setTimeout(r, 20));
    }
    // Where the child's batches spent their time crosses with them: batches counted, each phase's seconds.
    const metrics = (
      await svc.http.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      })
    ).body;
    expect(Number(/^abusedesk_pipeline_batches_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    const seconds = (phase: string): number =>
      Number(
        new RegExp(`^abusedesk_pipeline_seconds_total\\{phase="${phase}"[^}]*\\} (\\S+)`, 'm').exec(
          metrics,
        )?.[1],
      );
    expect(seconds('commit')).toBeGreaterThan(0);
    expect(seconds('think')).toBeGreaterThan(0);
    for (const phase of ['claim', 'wait']) expect(seconds(phase)).toBeGreaterThanOrEqual(0);
    const health = await svc.http.inject({ method: 'GET', url: '/healthz' });
    expect(health.json<{ checks: { worker: { ok: boolean } } }>().checks.worker.ok).toBe(true);

    // A killed child is replaced; what it had claimed and what arrives meanwhile is processed by the next one.
    const rest = await deliver(svc, fixtures.slice(3, 9));
    process.kill(firstPid, 'SIGKILL');
    const secondPid = await waitFor(
      () => pipeline.pid !== undefined && pipeline.pid !== firstPid && pipeline.pid,
      20_000,
      'a new pipeline process',
    );
    await waitFor(
      () => svc!.lines.some((l) => l.event === 'worker.process_exited' && l.pid === firstPid),
      10_000,
      'the exit to be logged',
    );
    const later = await deliver(svc, fixtures.slice(9, 12));
    await allDone(svc, [...rest, ...later], 'the remaining messages to be processed');
    for (const q of [...rest, ...later]) expect(reportsOf(svc, q)).toHaveLength(1);
    expect(pipeline.started).toBe(2);
    const healthAfter = await svc.http.inject({ method: 'GET', url: '/healthz' });
    expect(healthAfter.json<{ checks: { worker: { ok: boolean } } }>().checks.worker.ok).toBe(true);

    await svc.stop();
    svc = null;
    expect(alive(secondPid)).toBe(false);
    expect(alive(firstPid)).toBe(false);
  }, 90_000);

  it('ends with serve: the child exits when serve is killed', async () => {
    const child = spawn(process.execPath, [cliPath, 'serve'], {
      env: cliEnv(tmp.dir, { ABUSEDESK_LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const started = await waitFor(
        () => /"event":"worker\.process_started"[^\n]*"pid":(\d+)/.exec(err),
        60_000,
        'the pipeline process to start',
      );
      const pid = Number(started[1]);
      expect(pid).not.toBe(child.pid);
      expect(alive(pid)).toBe(true);
      child.kill('SIGKILL');
      await exited;
      await waitFor(() => !alive(pid), 20_000, 'the pipeline process to exit with serve');
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
