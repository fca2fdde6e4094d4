import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/test-service.ts';

const cli = fileURLToPath(new URL('../../src/cli/abusedesk.mjs', import.meta.url));
const demo = (name: string): string => fileURLToPath(new URL(`../../data/demo/${name}`, import.meta.url));

describe('abusedesk import', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeAll(() => {
    tmp = tempDataDir();
  });
  afterAll(() => tmp.cleanup());

  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        ABUSEDESK_DATA_DIR: join(tmp.dir, 'data'),
        ABUSEDESK_DEMO_LOAD: 'false',
      },
      timeout: 30_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const file = (name: string, text: string): string => {
    const f = join(tmp.dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('imports clients, campaigns and sends; reports bad rows by line on stderr; exits 0 when anything was imported', () => {
    expect(run('import', 'clients', demo('clients.jsonl'))).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/^imported 3 clients in \d+\.\d s\n$/),
    });
    expect(run('import', 'campaigns', demo('campaigns.jsonl')).status).toBe(0);
    const sends = file(
      'sends.csv',
      'messageId,recipient,client,campaign,sentAt\n<s1@news.acme.example>,jane@example.net,acme,acme-spring-sale,2026-11-02T08:00:00Z\n<s2@news.acme.example>,john@example.net,acme,acme-spring-sale,yesterday\n',
    );
    const r = run('import', 'sends', sends);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^imported 1 send, 1 bad row \(see above\) in \d+\.\d s\n$/);
    expect(r.stderr).toContain(`${sends}:3: sentAt: an ISO 8601 date-time`);
  });

  it('mints a compact token from a stored send, which opens to that send', () => {
    const mint = run('token', 'mint', '--compact', '--send-id', '1', '--client', 'acme');
    expect(mint.status).toBe(0);
    const token = mint.stdout.trim();
    expect(token).toMatch(/^adt2[A-Za-z0-9_-]+$/);
    expect(token.length).toBeLessThanOrEqual(64);
    const open = run('token', 'open', token, '--json');
    expect(JSON.parse(open.stdout)).toMatchObject({
      form: 'compact',
      clientId: 1,
      campaignId: 1,
      sendId: 1,
      sentAt: '2026-11-02T08:00:00.000Z',
    });
    // The send belongs to acme: naming another client is a usage mistake.
    expect(run('token', 'mint', '--compact', '--send-id', '1', '--client', 'globex')).toMatchObject({
      status: 2,
      stdout: '',
    });
  });

  it('exits 2 when every row is bad, and 3 when the file does not exist', () => {
    const junk = run('import', 'sends', file('junk.jsonl', '{"recipient":"x"}\nnot json\n'));
    expect(junk.status).toBe(2);
    expect(junk.stdout).toMatch(/^imported 0 sends, 2 bad rows/);
    expect(junk.stderr).toMatch(
      /junk\.jsonl:1: messageId: required; recipient: an email address; client: required; sentAt: required\n.*junk\.jsonl:2: invalid JSON/,
    );
    const missing = run('import', 'sends', join(tmp.dir, 'nope.csv'));
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/^abusedesk: .*nope\.csv: no such file or directory\n$/);
    expect(run('import', 'widgets', demo('clients.jsonl')).status).toBe(2);
  });
});
