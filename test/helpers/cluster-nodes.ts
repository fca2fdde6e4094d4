import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { openPostgres } from '../../src/db/open-database.ts';
import { cliPath } from './cli-process.ts';

/** The PostgreSQL database the cluster tests share (each cluster gets its own schema in it), or null: skip. */
export const clusterDatabase = process.env.ABUSEDESK_TEST_DATABASE_URL || null;

export const clusterSkipReason =
  'several nodes share one database only on PostgreSQL: set ABUSEDESK_TEST_DATABASE_URL=postgres://…';

/** A cluster suite's title, saying why it is skipped when it is (the SQLite run). */
export const clusterSuite = (title: string): string =>
  clusterDatabase ? title : `${title} (skipped: ${clusterSkipReason})`;

export type LogLine = Record<string, unknown> & { event?: string };

/** One `abusedesk serve` child process of a cluster. */
export interface ClusterNode {
  /** node1, node2, … (also its `cluster.nodeId` when the config has that key). */
  name: string;
  dataDir: string;
  smtpPort: number;
  /** http://127.0.0.1:PORT */
  http: string;
  child: ChildProcess;
  /** Every JSON log line it wrote so far (stdout and stderr). */
  lines: LogLine[];
  alive: () => boolean;
  /** The log lines of one event. */
  events: (event: string) => LogLine[];
  /** GET /healthz, parsed (whatever the status: a failing check answers 503 with the same body). */
  healthz: () => Promise<Record<string, unknown>>;
  /**
   * SIGKILL to the node's whole process group (serve and the processes it started), as a crash of its machine:
   * no shutdown, no released claim or lease, connections cut.
   */
  kill9: () => Promise<void>;
  /**
   * SIGSTOP (`true`) or SIGCONT (`false`) to the node's process group: frozen, it holds its connections, claims and
   * leases but does nothing, so a test can look at what it holds before choosing the moment of a crash.
   */
  freeze: (frozen: boolean) => void;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop: (graceMs?: number) => Promise<void>;
}

export interface Cluster {
  /** The database URL every node uses (`schema=cluster_<random>`). */
  url: string;
  schema: string;
  /** A direct connection to the cluster's schema, for counting. */
  db: Database;
  nodes: ClusterNode[];
  /** Starts one more node on the same schema. */
  startNode: (env?: Record<string, string>) => Promise<ClusterNode>;
  /** Kills every node still running, closes `db`, drops the schema, removes the data dirs. */
  close: () => Promise<void>;
}

/** The URL with libpq told to keep NOTICEs (schema exists, drop cascades to…) off the test's output. */
function quiet(url: string): string {
  // --name=value: no space, which the schema parameter's URL rewriting would turn into a "+" libpq keeps.
  return `${url}${url.includes('?') ? '&' : '?'}options=--client_min_messages%3Dwarning`;
}

export interface ClusterOptions {
  nodes: number;
  /** Extra ABUSEDESK_* settings for every node. */
  env?: Record<string, string>;
  /** cluster.claimTimeoutMs (default 3000). */
  claimTimeoutMs?: number;
  /** cluster.leaseMs (default 1500). */
  leaseMs?: number;
  /** Node.js flags for the node processes (e.g. --cpu-prof while looking into a slow run). */
  nodeFlags?: string[];
}

/**
 * Starts `nodes` real `abusedesk serve` processes on one fresh schema of ABUSEDESK_TEST_DATABASE_URL, each with
 * its own temp data dir and ports chosen by the system, one after the other (the first one migrates the schema
 * and loads the demo clients; the others find them).
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  if (!clusterDatabase) throw new Error(clusterSkipReason);
  const schema = `cluster_${randomBytes(6).toString('hex')}`;
  const u = new URL(clusterDatabase);
  u.searchParams.set('schema', schema);
  const url = u.toString();
  const nodes: ClusterNode[] = [];
  const dirs: string[] = [];
  let db: Database | null = null;
  const common: Record<string, string> = {
    ABUSEDESK_DATABASE_URL: url,
    ABUSEDESK_SMTP_PORT: '0',
    ABUSEDESK_HTTP_PORT: '0',
    ABUSEDESK_LOG_LEVEL: 'info',
    ABUSEDESK_AUTHENTICATE_DNS: 'off',
    // Demo mode: the demo clients are attribution targets, and the public demo token key opens their tokens.
    ABUSEDESK_DEMO_ENABLED: 'true',
    ABUSEDESK_DEMO_LOAD: 'true',
    // The file transport: acknowledgements land in <dataDir>/outbox/*.eml, nothing leaves the machine.
    ABUSEDESK_OUTBOX_TRANSPORT: 'file',
    ABUSEDESK_WORKER_POLL_MS: '100',
    ABUSEDESK_OUTBOX_POLL_MS: '200',
    ABUSEDESK_WEBHOOKS_POLL_MS: '200',
    // Short enough that a takeover after kill -9 happens within a test.
    ABUSEDESK_CLUSTER_CLAIM_TIMEOUT_MS: String(options.claimTimeoutMs ?? 3000),
    ABUSEDESK_CLUSTER_LEASE_MS: String(options.leaseMs ?? 1500),
    ...options.env,
  };

  const startNode = async (env: Record<string, string> = {}): Promise<ClusterNode> => {
    const name = `node${nodes.length + 1}`;
    const dataDir = mkdtempSync(join(tmpdir(), `abusedesk-${name}-`));
    dirs.push(dataDir);
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), cliPath, 'serve'], {
      // Only what the node needs: the test's own ABUSEDESK_TEST_* variables would be refused as unknown keys.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ABUSEDESK_DATA_DIR: dataDir,
        ...common,
        // Claims and leases are held in this name: the tests find node 1's claims by it.
        ABUSEDESK_CLUSTER_NODE_ID: name,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a crash takes the node with every process it started (the pipeline's child).
      detached: true,
    });
    const lines: LogLine[] = [];
    let exited = false;
    const exit = new Promise<void>((resolve) =>
      child.once('exit', () => {
        exited = true;
        resolve();
      }),
    );
    let text = '';
    const reader = (stream: NodeJS.ReadableStream): void => {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        partial += d;
        let i: number;
        while ((i = partial.indexOf('\n')) !== -1) {
          const line = partial.slice(0, i);
          partial = partial.slice(i + 1);
          if (line.startsWith('{')) {
            try {
              lines.push(JSON.parse(line) as LogLine);
              continue;
            } catch {
              // not a log line: keep it as text
            }
          }
          if (text.length < 20_000) text += `${line}\n`;
        }
      });
    };
    reader(child.stdout);
    reader(child.stderr);
    const started = await new Promise<LogLine>((resolve, reject) => {
      const timer = setInterval(() => {
        const line = lines.find((l) => l.event === 'service.started');
        if (line) {
          clearInterval(timer);
          resolve(line);
        } else if (exited) {
          clearInterval(timer);
          const errors = lines.filter((l) => Number(l.level) >= 50).map((l) => JSON.stringify(l));
          reject(new Error(`${name} exited before it started:\n${text}${errors.join('\n')}`));
        }
      }, 20);
    });
    const smtp = String(started.smtp);
    const http = String(started.http);
    /** A signal to the node's process group; a group already gone is no error. */
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
    };
    const killGroup = (): void => signalGroup('SIGKILL');
    const stop = async (graceMs = 10_000): Promise<void> => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(killGroup, graceMs);
        await exit;
        clearTimeout(timer);
      }
      // Whatever the node left behind goes too.
      killGroup();
    };
    const node: ClusterNode = {
      name,
      dataDir,
      smtpPort: Number(smtp.slice(smtp.lastIndexOf(':') + 1)),
      http,
      child,
      lines,
      alive: () => !exited,
      events: (event) => lines.filter((l) => l.event === event),
      healthz: async () => (await (await fetch(`${http}/healthz`)).json()) as Record<string, unknown>,
      kill9: async () => {
        killGroup();
        await exit;
      },
      freeze: (frozen) => signalGroup(frozen ? 'SIGSTOP' : 'SIGCONT'),
      stop,
    };
    nodes.push(node);
    return node;
  };

  const close = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop(5000)));
    db?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    const admin = openPostgres(quiet(clusterDatabase), { migrate: false });
    try {
      admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      admin.close();
    }
  };

  try {
    for (let i = 0; i < options.nodes; i++) await startNode();
    // After the first node migrated the schema: this connection must not race it.
    db = openPostgres(quiet(url), { migrate: false });
  } catch (e) {
    await close();
    throw e;
  }
  return { url, schema, db, nodes, startNode, close };
}

/** Polls an async check until it returns a truthy value (or throws after `ms`, saying `what`, e.g. the state then). */
export async function waitForAsync<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  ms: number,
  what: string | (() => string),
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
