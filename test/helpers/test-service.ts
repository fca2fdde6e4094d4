import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, type Database } from '../../src/db/open-database.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Config } from '../../src/config/config-schema.ts';
import { createLogger } from '../../src/log/logger.ts';
import { startService, type RunningService, type ServiceOptions } from '../../src/service/start-service.ts';
import { openSession, queueIdOf } from '../../src/bench/smtp-client.ts';
import { getMessage, type IncomingMessage } from '../../src/store/messages-store.ts';
import { keyringFromConfig } from '../../src/attribute/token-keyring.ts';
import { mintTraceToken } from '../../src/attribute/trace-token.ts';

/** A fresh data dir under the OS temp dir; removed by `cleanup`. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'abusedesk-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A fresh database of the test engine (SQLite in a temp data dir, or that dir's schema in the PostgreSQL test
 * database) for each test of the calling describe block, closed and removed after it. `setup` runs on it before
 * each test (demo data, a table of the test's own).
 */
export function eachTestDatabase(setup?: (db: Database) => void): {
  readonly db: Database;
  readonly dir: string;
} {
  let tmp: ReturnType<typeof tempDataDir> | undefined;
  let db: Database | undefined;
  beforeEach(() => {
    tmp = tempDataDir();
    db = openDatabase(testConfig(tmp.dir));
    setup?.(db);
  });
  afterEach(() => {
    db?.close();
    tmp?.cleanup();
  });
  return {
    get db(): Database {
      if (!db) throw new Error('eachTestDatabase: the database exists only inside a test');
      return db;
    },
    get dir(): string {
      if (!tmp) throw new Error('eachTestDatabase: the data dir exists only inside a test');
      return tmp.dir;
    },
  };
}

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merges `over` into `base` key by key, so overriding one `smtp` key keeps the test's free port. */
export function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isTree(v) && isTree(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

/**
 * The PostgreSQL run of the suites (ABUSEDESK_TEST_DATABASE_URL, set by test/run-postgres-suite.mjs): each data
 * dir gets its own schema in that database, named after the dir, so a test that restarts a service on the same
 * data dir finds its data again.
 */
export function testDatabaseUrl(dataDir: string): string | null {
  const base = process.env.ABUSEDESK_TEST_DATABASE_URL;
  if (!base) return null;
  const u = new URL(base);
  u.searchParams.set('schema', `t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
  return u.toString();
}

/** Config for tests: free ports (never the defaults a real abusedesk may hold), temp data dir, quick retries. */
export function testConfig(dataDir: string, overrides: Tree = {}): Config {
  const url = testDatabaseUrl(dataDir);
  const base: Tree = {
    dataDir,
    ...(url ? { database: { url } } : {}),
    smtp: { port: 0 },
    http: { port: 0 },
    // The pipeline on the service's own event loop: tests drive svc.processor (test/service/pipeline-process.test.ts
    // runs it in its child process).
    worker: { process: false, retryBaseMs: 10, pollMs: 50 },
    authenticate: { dns: 'off' },
    // Tests mint and open tokens with the public demo key in temp data dirs.
    demo: { enabled: true },
  };
  return loadConfig({ env: {}, overrides: deepMerge(base, overrides) }).config;
}

/** Captures log lines as parsed JSON objects. */
export function memoryLogger(): {
  logger: ReturnType<typeof createLogger>;
  lines: Array<Record<string, unknown>>;
} {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n'))
        if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}

export async function startTestService(
  dataDir: string,
  options: Partial<ServiceOptions> & { overrides?: Record<string, unknown> } = {},
): Promise<RunningService & { lines: Array<Record<string, unknown>> }> {
  const { logger, lines } = memoryLogger();
  const service = await startService({ config: testConfig(dataDir, options.overrides), logger, ...options });
  return Object.assign(service, { lines });
}

/**
 * A clock that runs at the real pace from `at`: for a test whose outcome depends on fixed dates of its own (a
 * campaign's start, a trace token's send date; enforcement counts only signals about campaigns started within its
 * window), so that it passes whatever today's date is. The demo data's campaigns need none: they are loaded
 * moved forward to the load date.
 */
export function clockFrom(at: string): () => Date {
  const offset = Date.parse(at) - Date.now();
  return () => new Date(Date.now() + offset);
}

/** Polls until `check` returns a truthy value (or throws after `ms`). */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  ms = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Waits until the pipeline is idle: no message queued for processing and no mail waiting in the outbox.
 * A test that proves something did not happen waits for this instead of sleeping.
 */
export async function waitForIdle(svc: RunningService, ms = 10_000): Promise<void> {
  const busy = (): boolean => {
    const queued = svc.db.prepare("SELECT count(*) AS n FROM messages WHERE state = 'queued'").get() as {
      n: number;
    };
    const pending = svc.db
      .prepare("SELECT count(*) AS n FROM outbox WHERE state = 'pending' AND kind = 'mail'")
      .get() as { n: number };
    return queued.n + pending.n > 0;
  };
  await waitFor(() => !busy(), ms, 'the pipeline and the outbox to be idle');
}

export const simpleMessage = (subject: string, extra = ''): string =>
  `From: Jane <jane@example.net>\r\nTo: abuse@esp.example\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.net>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n${extra}\r\nThis is spam I got.\r\n`;

/** The envelope intake hands a message store with its bytes: from 192.0.2.1 over SMTP, for abuse@. */
export const smtpEnvelope: Omit<IncomingMessage, 'raw'> = {
  mailFrom: 'a@b.example',
  rcptTo: ['abuse@esp.example'],
  clientIp: '192.0.2.1',
  clientHostname: null,
  helo: 'b.example',
  tls: null,
  receivedAt: new Date('2026-11-23T10:00:00Z'),
  source: 'smtp',
};

/**
 * A message as `abusedesk ingest` hands it to a message store (no SMTP envelope, for abuse@, received now), with
 * `more` over those defaults.
 */
export const ingestedMessage = (
  raw: string | Buffer,
  more: Partial<IncomingMessage> = {},
): IncomingMessage => ({
  raw: typeof raw === 'string' ? Buffer.from(raw) : raw,
  mailFrom: '',
  rcptTo: ['abuse@esp.example'],
  clientIp: null,
  clientHostname: null,
  helo: null,
  tls: null,
  receivedAt: new Date(),
  source: 'ingest',
  ...more,
});

/** simpleMessage as intake hands it to a message store. */
export const incomingMessage = (subject: string): IncomingMessage => ({
  raw: Buffer.from(simpleMessage(subject)),
  ...smtpEnvelope,
});

/** Sends one message over SMTP to a test service and waits until the worker has processed it; returns its queue id. */
export async function deliverAndProcess(
  svc: RunningService,
  rcpt: string,
  body: string,
  mailFrom = 'sender@provider.example',
): Promise<string> {
  const { client } = await openSession(svc.smtpAddress.port);
  const reply = await client.send(mailFrom, [rcpt], body);
  await client.quit();
  const queueId = queueIdOf(reply);
  if (reply.code !== 250 || !queueId)
    throw new Error(`SMTP refused the message: ${reply.code} ${reply.text}`);
  await waitFor(() => getMessage(svc.db, queueId)?.state === 'done', 10_000, `processing of ${queueId}`);
  return queueId;
}

/** The ticket a processed message's report was filed on (by the queue id deliverAndProcess returns). */
export function ticketOfQueued(svc: RunningService, queueId: string): string {
  const message = getMessage(svc.db, queueId);
  if (!message) throw new Error(`no message ${queueId}`);
  const ticket = svc.db
    .prepare('SELECT ticket_id FROM reports WHERE message_id = ?')
    .pluck()
    .get(message.id) as string | null | undefined;
  if (!ticket) throw new Error(`message ${queueId} is on no ticket`);
  return ticket;
}

/** A full trace token for acme's spring sale, minted with the test config's (demo) key. */
export function springSaleToken(dataDir: string, recipient: string): string {
  return mintTraceToken(
    { client: 'acme', campaign: 'acme-spring-sale', recipient, sentAt: new Date('2026-11-23T08:54:00Z') },
    keyringFromConfig(testConfig(dataDir)),
  );
}
