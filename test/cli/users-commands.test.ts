import { spawnSync } from 'node:child_process';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../src/auth/staff-users.ts';
import { EXIT } from '../../src/cli/cli-error.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { listAudit } from '../../src/store/audit-store.ts';
import { uiPlugin } from '../../src/web/ui/ui-plugin.ts';
import { cliEnv, cliPath } from '../helpers/cli-process.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';
import { loginInject } from '../web/ui/ui-session.ts';

describe('abusedesk users disable / enable / reset', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  const run = (args: string[], input?: string) => {
    const r = spawnSync(process.execPath, [cliPath, 'users', ...args], {
      env: cliEnv(tmp.dir, { USER: 'ops' }),
      input: input ?? '',
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** Logs in through the real UI form against the data dir the CLI changed: the HTTP status of the attempt. */
  const login = async (email: string, password: string): Promise<number> => {
    const db = openDatabase(testConfig(tmp.dir));
    const app = Fastify();
    await app.register(uiPlugin, { db });
    try {
      return (await loginInject(app, email, password)).status;
    } finally {
      await app.close();
      db.close();
    }
  };
  beforeEach(() => {
    tmp = tempDataDir();
    const db = openDatabase(testConfig(tmp.dir));
    const now = new Date();
    createStaffUser(db, { email: 'ann@esp.example', role: 'agent', password: 'ann password 1', now });
    createStaffUser(db, { email: 'boss@esp.example', role: 'admin', password: 'boss password 1', now });
    db.close();
  });
  afterEach(() => tmp.cleanup());

  it('a disabled user cannot log in and her sessions end; enable lets her back in; both audited', async () => {
    const db = openDatabase(testConfig(tmp.dir));
    const session = await (async () => {
      const app = Fastify();
      await app.register(uiPlugin, { db });
      const s = await loginInject(app, 'ann@esp.example', 'ann password 1');
      await app.close();
      return s;
    })();
    expect(session.status).toBe(303);
    db.close();

    const r = run(['disable', 'ANN@esp.example', '--reason', 'left the company']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('disabled ann@esp.example; 1 session(s) ended\n');
    expect(await login('ann@esp.example', 'ann password 1')).toBe(401);
    const list = JSON.parse(run(['list', '--json']).stdout) as Array<{
      email: string;
      disabledAt: string | null;
    }>;
    expect(list.find((u) => u.email === 'ann@esp.example')?.disabledAt).toMatch(/^\d{4}-/);
    expect(run(['disable', 'ann@esp.example']).stdout).toBe('ann@esp.example was already disabled\n');

    expect(run(['enable', 'ann@esp.example']).status).toBe(0);
    expect(await login('ann@esp.example', 'ann password 1')).toBe(303);

    const check = openDatabase(testConfig(tmp.dir));
    expect(listAudit(check, { action: 'staff.disable' })).toEqual([
      expect.objectContaining({
        actor: 'cli:ops',
        target: 'ann@esp.example',
        detail: { reason: 'left the company', sessionsEnded: 1 },
      }),
    ]);
    expect(listAudit(check, { action: 'staff.enable' })).toHaveLength(1);
    check.close();
  }, 90_000);

  it('reset prints a one-time password that works (the old one stops), or takes one from stdin', async () => {
    const r = run(['reset', 'ann@esp.example']);
    expect(r.status).toBe(0);
    const password = /new password \(shown once\): (\S+)\n$/.exec(r.stdout)![1]!;
    expect(await login('ann@esp.example', 'ann password 1')).toBe(401);
    expect(await login('ann@esp.example', password)).toBe(303);

    const piped = run(
      ['reset', 'ann@esp.example', '--password-stdin', '--reason', 'asked for it'],
      'chosen password 9\n',
    );
    expect(piped.status).toBe(0);
    expect(piped.stdout).toBe('password of ann@esp.example reset\n');
    expect(piped.stdout + piped.stderr).not.toContain('chosen password 9');
    expect(await login('ann@esp.example', password)).toBe(401);
    expect(await login('ann@esp.example', 'chosen password 9')).toBe(303);

    const short = run(['reset', 'ann@esp.example', '--password-stdin'], 'short\n');
    expect(short.status).toBe(EXIT.usage);
    expect(short.stderr).toContain('password must be at least 10 characters');
    const empty = run(['reset', 'ann@esp.example', '--password-stdin'], '');
    expect(empty.status).toBe(EXIT.usage);

    const db = openDatabase(testConfig(tmp.dir));
    const entries = listAudit(db, { action: 'staff.reset' });
    expect(entries.map((e) => e.detail)).toEqual([
      // The login with the generated password opened a session; the second reset ended it.
      { reason: 'asked for it', generated: false, sessionsEnded: 1 },
      { reason: null, generated: true, sessionsEnded: 0 },
    ]);
    expect(JSON.stringify(entries)).not.toContain(password);
    db.close();
  }, 90_000);

  it('names an unknown account with exit 3, and never disables the last admin', () => {
    for (const args of [
      ['disable', 'ghost@esp.example'],
      ['enable', 'ghost@esp.example'],
      ['reset', 'ghost@esp.example'],
    ]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(EXIT.notFound);
      expect(r.stderr).toBe('abusedesk: no staff account ghost@esp.example\n');
      expect(r.stdout).toBe('');
    }
    const last = run(['disable', 'boss@esp.example']);
    expect(last.status).toBe(EXIT.refused);
    expect(last.stderr).toContain('boss@esp.example is the last enabled admin');
  }, 90_000);
});
