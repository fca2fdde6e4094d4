import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { listMessages } from '../../src/store/messages-store.ts';
import { simpleMessage, tempDataDir, testConfig } from '../helpers/test-service.ts';
import { cliEnv, cliPath } from '../helpers/cli-process.ts';

const cli = cliPath;

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function run(dataDir: string, args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [cli, ...args], {
    env: cliEnv(dataDir, { ABUSEDESK_WORKER_POLL_MS: '50', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

/** Starts `serve` and resolves once it printed its addresses. */
async function serve(dataDir: string, env: Record<string, string> = {}): Promise<Run> {
  const r = run(dataDir, ['serve'], env);
  await new Promise<void>((resolve, reject) => {
    r.child.stdout!.on('data', () => {
      if (/SMTP intake\s+127\.0\.0\.1:\d+/.test(r.out())) resolve();
    });
    void r.exited.then((code) => reject(new Error(`serve exited ${code}: ${r.err()}`)));
  });
  return r;
}

async function stop(r: Run): Promise<void> {
  if (r.child.exitCode === null && r.child.signalCode === null) {
    r.child.kill('SIGTERM');
    await r.exited;
  }
}

const freePort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
};

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });

describe('exactly one processor per store', { timeout: 60_000 }, () => {
  let tmp: ReturnType<typeof tempDataDir>;
  const started: Run[] = [];
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(async () => {
    for (const r of started.splice(0)) await stop(r);
    tmp.cleanup();
  });

  it('a second serve on the same data dir exits at once, non-zero, naming the first', async () => {
    const first = await serve(tmp.dir);
    started.push(first);
    const second = run(tmp.dir, ['serve']);
    started.push(second);
    expect(await second.exited).toBe(5);
    const lines = second.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^abusedesk: the data dir .+ is in use by abusedesk serve \\(pid ${first.child.pid} on .+, since \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );
    expect(second.out()).toBe('');
  });

  it('takes over the stale lock of a dead process', async () => {
    const dead = run(tmp.dir, ['--version']);
    await dead.exited;
    mkdirSync(tmp.dir, { recursive: true });
    writeFileSync(
      join(tmp.dir, 'abusedesk.lock'),
      JSON.stringify({
        command: 'serve',
        pid: dead.child.pid,
        host: hostname(),
        startedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    const s = await serve(tmp.dir);
    started.push(s);
    expect(JSON.parse(readFileSync(join(tmp.dir, 'abusedesk.lock'), 'utf8'))).toMatchObject({
      command: 'serve',
      pid: s.child.pid,
    });
    // A serve killed outright leaves its lock file; the next one starts all the same.
    s.child.kill('SIGKILL');
    await s.exited;
    const next = await serve(tmp.dir);
    started.push(next);
    expect(JSON.parse(readFileSync(join(tmp.dir, 'abusedesk.lock'), 'utf8')).pid).toBe(next.child.pid);
  });

  it('ingest beside a running serve stores, lets serve process each message once, and prints the summary', async () => {
    const s = await serve(tmp.dir);
    started.push(s);
    const dir = join(tmp.dir, 'backfill');
    mkdirSync(dir);
    for (let i = 0; i < 200; i++)
      writeFileSync(join(dir, `m${i}.eml`), simpleMessage(`backfill number ${i}`));
    const ingest = run(tmp.dir, ['ingest', dir, '--json']);
    expect(await ingest.exited).toBe(0);
    const summary = JSON.parse(ingest.out()) as {
      stored: number;
      quarantined: number;
      processedBy: { command: string; pid: number };
      byKind: Record<string, number>;
    };
    expect(summary.stored).toBe(200);
    expect(summary.processedBy).toEqual({ command: 'serve', pid: s.child.pid });
    expect(Object.values(summary.byKind).reduce((a, b) => a + b, 0)).toBe(200);
    expect(ingest.err()).toMatch(/serve \(pid \d+\) is running/);

    const db = openDatabase(testConfig(tmp.dir), { readonly: true });
    try {
      const messages = listMessages(db, { limit: 1000 });
      expect(messages).toHaveLength(200);
      for (const m of messages) {
        expect(m.state).toBe('done');
        expect(m.attempts).toBe(1);
        // One entry per stage, all from the one run that acted.
        const names = m.stages.map((e) => e.stage);
        expect(new Set(names).size).toBe(names.length);
        expect(m.stages.every((e) => e.run === 1)).toBe(true);
        expect(names).toContain('actions');
      }
    } finally {
      db.close();
    }
    // The backfill's reporters were not acknowledged by serve.
    const check = openDatabase(testConfig(tmp.dir), { readonly: true });
    const acks = check.prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'mail'`).get() as { n: number };
    check.close();
    expect(acks.n).toBe(0);
  });

  it('serve with its HTTP port taken exits non-zero before SMTP accepts anything', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const httpPort = (taken.address() as { port: number }).port;
    const smtpPort = await freePort();
    try {
      const s = run(tmp.dir, ['serve'], {
        ABUSEDESK_HTTP_PORT: String(httpPort),
        ABUSEDESK_SMTP_PORT: String(smtpPort),
      });
      started.push(s);
      expect(await s.exited).toBe(5);
      expect(s.err().trim()).toBe(
        `abusedesk: cannot listen for HTTP on 127.0.0.1:${httpPort}: address already in use`,
      );
      expect(s.out()).toBe('');
      expect(await refused(smtpPort)).toBe(true);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('serve with a missing TLS key exits non-zero with the reason', async () => {
    const s = run(tmp.dir, ['serve'], {
      ABUSEDESK_SMTP_TLS_KEY_FILE: join(tmp.dir, 'missing-key.pem'),
      ABUSEDESK_SMTP_TLS_CERT_FILE: join(tmp.dir, 'missing-cert.pem'),
    });
    started.push(s);
    expect(await s.exited).toBe(78);
    expect(s.err().trim()).toBe(
      `abusedesk: cannot read smtp.tlsKeyFile ${join(tmp.dir, 'missing-key.pem')}: no such file or directory`,
    );
  });
});
