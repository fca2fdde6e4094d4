import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, cliPath } from '../helpers/cli-process.ts';
import { createDovecot, dovecotInstalled, type Dovecot } from '../helpers/dovecot.ts';
import { simpleMessage, tempDataDir } from '../helpers/test-service.ts';

const installed = dovecotInstalled();
if (!installed)
  console.warn(
    'IMAP CLI tests skipped: dovecot is not installed (/usr/sbin/dovecot; apt-get install dovecot-imapd — .ci/run installs it)',
  );

describe.skipIf(!installed)('abusedesk imap test', { timeout: 30_000 }, () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let d: Dovecot;
  beforeAll(async () => {
    tmp = tempDataDir();
    d = await createDovecot();
    await d.start();
    await d.append([simpleMessage('one'), simpleMessage('two')]);
  });
  afterAll(async () => {
    await d.cleanup();
    tmp.cleanup();
  });

  const run = (args: string[]) => {
    const sources = [
      {
        name: 'hosted',
        host: d.host,
        port: d.port,
        security: 'none',
        user: d.user,
        password: '',
        passwordEnv: 'HOSTED_IMAP_PASSWORD',
      },
    ];
    return spawnSync(process.execPath, [cliPath, 'imap', 'test', ...args], {
      env: cliEnv(tmp.dir, {
        ABUSEDESK_IMAP_SOURCES: JSON.stringify(sources),
        HOSTED_IMAP_PASSWORD: d.password,
      }),
      encoding: 'utf8',
    });
  };

  it('logs in and counts the mailbox without taking anything; exit 5 when the server is down, 3 for an unknown name', async () => {
    const ok = run(['hosted']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(`hosted  127.0.0.1:${d.port}  INBOX: 2 messages (2 unseen), IDLE\n`);
    const json = run(['--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ name: 'hosted', ok: true, messages: 2, unseen: 2, idle: true, tls: false }),
    ]);

    expect(run(['other']).status).toBe(3);

    await d.stop();
    const down = run([]);
    expect(down.status).toBe(5);
    expect(down.stdout).toContain(
      `hosted  127.0.0.1:${d.port}  INBOX: unavailable: connection refused by 127.0.0.1:${d.port}`,
    );
    expect(down.stderr).toContain('1 of 1 IMAP source is unavailable: hosted');
    await d.start();
  });
});
