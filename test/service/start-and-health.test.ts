import { mkdirSync, statSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSession } from '../../src/bench/smtp-client.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { ServiceStartError } from '../../src/service/start-service.ts';
import {
  memoryLogger,
  simpleMessage,
  startTestService,
  tempDataDir,
  testConfig,
  waitFor,
} from '../helpers/test-service.ts';
import { startService } from '../../src/service/start-service.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

const pg = Boolean(process.env.ABUSEDESK_TEST_DATABASE_URL);

interface Health {
  status: string;
  failing: string[];
  reason?: string;
  checks: Record<string, { ok: boolean; reason?: string; consecutiveFailures?: number; queued?: number }>;
}

async function health(svc: Service): Promise<{ code: number; body: Health }> {
  const r = await svc.http.inject({ method: 'GET', url: '/healthz' });
  return { code: r.statusCode, body: r.json<Health>() };
}

/** Asks /healthz until `check` holds (waitFor takes synchronous checks only). */
async function healthUntil(
  svc: Service,
  check: (h: { code: number; body: Health }) => boolean,
  what: string,
) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const h = await health(svc);
    if (check(h)) return h;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(h.body)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function send(svc: Service, subject: string): Promise<number> {
  const { client } = await openSession(svc.smtpAddress.port);
  const reply = await client.send('sender@provider.example', ['abuse@esp.example'], simpleMessage(subject));
  await client.quit();
  return reply.code;
}

describe('serve: start fully or not at all, and /healthz', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  const running: Service[] = [];
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop();
    tmp.cleanup();
  });
  const start = async (options: Parameters<typeof startTestService>[1] = {}): Promise<Service> => {
    const svc = await startTestService(tmp.dir, options);
    running.push(svc);
    return svc;
  };

  it('answers 200 with every check when healthy', async () => {
    const svc = await start();
    const h = await health(svc);
    expect(h.code).toBe(200);
    expect(h.body.status).toBe('ok');
    expect(h.body.failing).toEqual([]);
    expect(Object.keys(h.body.checks).sort()).toEqual(
      ['backlog', 'enforcement', 'outbox', 'store', 'webhooks', 'worker'].sort(),
    );
  });

  it('answers 503 naming the store and the worker when the database rejects writes', async () => {
    const svc = await start({ overrides: { health: { maxConsecutiveFailures: 2 } } });
    // The service's own connection turns read-only; the intake writer thread still stores mail.
    svc.db.pragma('query_only = ON');
    const h = await health(svc);
    expect(h.code).toBe(503);
    expect(h.body.failing).toContain('store');
    expect(h.body.checks.store!.reason).toMatch(/^store: the database is read-only/);
    expect(h.body.reason).toMatch(/read-only/);

    // A stored message the worker cannot commit: the loop fails round after round and health says so.
    expect(await send(svc, 'cannot commit')).toBe(250);
    const again = await healthUntil(svc, (h) => h.body.failing.includes('worker'), 'the worker check');
    expect(again.code).toBe(503);
    expect(again.body.checks.worker!.consecutiveFailures).toBeGreaterThanOrEqual(2);
    // "processed" is logged only after a commit: none happened.
    expect(svc.lines.filter((l) => l.event === 'worker.processed')).toEqual([]);

    svc.db.pragma('query_only = OFF');
    await waitFor(() => svc.lines.some((l) => l.event === 'worker.processed'), 10_000, 'processing');
    await healthUntil(svc, (h) => h.code === 200, 'healthy again');
  });

  it('answers 503 when the database stays locked past the probe limit', async () => {
    const svc = await start({ overrides: { health: { storeProbeTimeoutMs: 50 } } });
    // Another connection holds the write lock: SQLite's is the whole file's; on PostgreSQL, a lock on the table
    // the probe writes that lets readers on but no writer.
    const other = pg ? openDatabase(testConfig(tmp.dir)) : new BetterSqlite3(join(tmp.dir, 'abusedesk.db'));
    other.exec('BEGIN IMMEDIATE');
    if (pg) other.exec('LOCK TABLE meta IN EXCLUSIVE MODE');
    try {
      const h = await health(svc);
      expect(h.code).toBe(503);
      expect(h.body.checks.store!.reason).toBe('store: the database stayed locked for more than 50 ms');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await health(svc)).code).toBe(200);
  });

  it('answers 503 when the backlog passes its limit', async () => {
    const svc = await start({ worker: false, overrides: { health: { maxQueued: 1 } } });
    expect(await send(svc, 'backlog one')).toBe(250);
    expect(await send(svc, 'backlog two')).toBe(250);
    const h = await health(svc);
    expect(h.code).toBe(503);
    expect(h.body.failing).toEqual(['backlog']);
    expect(h.body.checks.backlog!.queued).toBe(2);
    expect(h.body.reason).toBe('backlog: 2 messages queued (limit 1)');
  });

  it('does not start on a database that rejects writes, and closes what it opened', async () => {
    const { logger } = memoryLogger();
    const failed = await startService({
      config: testConfig(tmp.dir),
      logger,
      onDatabaseOpen: (db) => db.pragma('query_only = ON'),
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ServiceStartError);
    expect((failed as ServiceStartError).exitCode).toBe(5);
    expect((failed as ServiceStartError).message).toMatch(/^store: the database is read-only/);
    // The lock was released: a normal start works now.
    const svc = await start();
    expect((await health(svc)).code).toBe(200);
  });

  // database.url needs the PostgreSQL client library, which the PostgreSQL run has.
  it.skipIf(!pg)('does not start when the database server cannot be reached, naming it', async () => {
    // A port nothing listens on: taken from the system, then given back.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise((r) => server.close(r));
    const url = `postgres://127.0.0.1:${port}/abusedesk`;
    const { logger } = memoryLogger();
    const failed = await startService({
      config: testConfig(tmp.dir, { database: { url } }),
      logger,
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ServiceStartError);
    expect((failed as ServiceStartError).exitCode).toBe(5);
    expect((failed as ServiceStartError).message).toMatch(
      new RegExp(`^the database postgres://127\\.0\\.0\\.1:${port}/abusedesk cannot be reached: .*refused`),
    );
    // The lock was released: a normal start works now.
    const svc = await start();
    expect((await health(svc)).code).toBe(200);
  });

  // File permissions of the SQLite database; a PostgreSQL server's refusals are the cases above.
  it.skipIf(process.getuid?.() === 0 || pg)(
    'does not start on a read-only database file (chmod)',
    async () => {
      openDatabase(testConfig(tmp.dir)).close();
      const file = join(tmp.dir, 'abusedesk.db');
      for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o444);
      const { logger } = memoryLogger();
      const failed = await startService({ config: testConfig(tmp.dir), logger }).catch((e: unknown) => e);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o644);
      expect(failed).toBeInstanceOf(ServiceStartError);
      expect((failed as ServiceStartError).exitCode).toBe(5);
    },
  );

  it('refuses a second service on the same data dir, naming the first', async () => {
    await start();
    const failed = await startTestService(tmp.dir).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ServiceStartError);
    expect((failed as Error).message).toMatch(
      new RegExp(`in use by abusedesk serve \\(pid ${process.pid} on .+, since \\d{4}-`),
    );
  });

  it('removes orphan temp files at start and truncates the WAL when the worker is idle', async () => {
    mkdirSync(join(tmp.dir, 'outbox'), { recursive: true });
    mkdirSync(join(tmp.dir, 'spool'), { recursive: true });
    writeFileSync(join(tmp.dir, 'outbox', '.20261130-7.4242.tmp'), 'half');
    writeFileSync(join(tmp.dir, 'outbox', '20261130-6.eml'), 'kept');
    writeFileSync(join(tmp.dir, 'spool', 'msg-1.tmp'), 'half');
    const svc = await start({ overrides: { database: { walCheckpointIntervalMs: 1 } } });
    expect(existsSync(join(tmp.dir, 'outbox', '.20261130-7.4242.tmp'))).toBe(false);
    expect(existsSync(join(tmp.dir, 'spool', 'msg-1.tmp'))).toBe(false);
    expect(existsSync(join(tmp.dir, 'outbox', '20261130-6.eml'))).toBe(true);
    // The write-ahead log is SQLite's file beside the database; PostgreSQL's is the server's.
    if (pg) return;
    expect(await send(svc, 'checkpoint me')).toBe(250);
    await waitFor(() => svc.lines.some((l) => l.event === 'worker.processed'), 10_000, 'processing');
    await waitFor(
      () => statSync(join(tmp.dir, 'abusedesk.db-wal')).size === 0,
      10_000,
      'the WAL to be truncated',
    );
  });
});
