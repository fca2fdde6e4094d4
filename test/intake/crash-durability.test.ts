import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { openSession, queueIdOf } from '../../src/bench/smtp-client.ts';
import { simpleMessage, tempDataDir, testConfig, waitFor } from '../helpers/test-service.ts';
import { cliEnv, cliPath } from '../helpers/cli-process.ts';

const cli = cliPath;

/** Starts `abusedesk serve` as a real process on free ports; resolves with its SMTP port. */
function serve(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; smtpPort: number; stdout: () => string }> {
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: cliEnv(dataDir, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /SMTP intake\s+127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, smtpPort: Number(m[1]), stdout: () => out });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

describe('durability across SIGKILL', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  it('loses nothing answered 250 and processes each message once after restart', async () => {
    // Processing is slowed down so that most of the burst is still queued when the process dies.
    const first = await serve(tmp.dir, {
      ABUSEDESK_WORKER_BATCH_SIZE: '1',
      ABUSEDESK_WORKER_POLL_MS: '60000',
    });
    const queueIds: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, c) => {
        const { client } = await openSession(first.smtpPort);
        for (let i = 0; i < 25; i++) {
          const reply = await client.send(
            'fbl@provider.example',
            ['fbl@esp.example'],
            simpleMessage(`burst ${c}-${i}`),
          );
          expect(reply.code).toBe(250);
          queueIds.push(queueIdOf(reply)!);
        }
        client.close();
      }),
    );
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(queueIds).toHaveLength(150);
    // Before any restart: every message answered 250 is on disk.
    // The same database the nodes use: the SQLite file, or this data dir's PostgreSQL schema.
    const afterKill = openDatabase(testConfig(tmp.dir), { migrate: false });
    const stored = afterKill
      .prepare('SELECT queue_id AS q FROM messages JOIN message_raw ON message_raw.message_id = messages.id')
      .all() as Array<{ q: string }>;
    afterKill.close();
    expect(new Set(stored.map((r) => r.q))).toEqual(new Set(queueIds));

    const second = await serve(tmp.dir);
    try {
      const db = openDatabase(testConfig(tmp.dir), { readonly: true });
      const rows = await waitFor(
        () => {
          const r = db.prepare('SELECT queue_id AS queueId, state, attempts FROM messages').all() as Array<{
            queueId: string;
            state: string;
            attempts: number;
          }>;
          return r.length === 150 && r.every((x) => x.state === 'done') ? r : null;
        },
        20_000,
        'every message processed',
      );
      expect(new Set(rows.map((r) => r.queueId))).toEqual(new Set(queueIds));
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
      db.close();
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
    expect(second.stdout()).toMatch(/SIGTERM: finishing messages in DATA/);
  }, 60_000);
});
