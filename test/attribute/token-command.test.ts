import { cliDatabaseEnv } from '../helpers/cli-process.ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceTokenRegex } from '../../src/report/trace-token-pattern.ts';
import { tempDataDir } from '../helpers/test-service.ts';

const cli = fileURLToPath(new URL('../../src/cli/abusedesk.mjs', import.meta.url));

describe('abusedesk token mint|open', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeAll(() => {
    tmp = tempDataDir();
    // The demo clients and campaigns, as an ESP would import its own.
    for (const kind of ['clients', 'campaigns']) {
      expect(
        run(['import', kind, fileURLToPath(new URL(`../../data/demo/${kind}.jsonl`, import.meta.url))])
          .status,
      ).toBe(0);
    }
  });
  afterAll(() => tmp.cleanup());

  const run = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [cli, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ABUSEDESK_DATA_DIR: tmp.dir, ...cliDatabaseEnv(tmp.dir), ...env },
      timeout: 30_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('mints a token alone on stdout, and opens it back', () => {
    const mint = run([
      'token',
      'mint',
      '--client',
      'acme',
      '--campaign',
      'acme-spring-sale',
      '--recipient',
      'jane@example.net',
      '--sent-at',
      '2026-11-02T08:00:00Z',
    ]);
    expect(mint.status).toBe(0);
    expect(mint.stdout).toMatch(/^adt1[A-Za-z0-9_-]+\n$/);
    const token = mint.stdout.trim();
    expect([...token.matchAll(traceTokenRegex())].map((m) => m[0])).toEqual([token]);
    expect(mint.stderr).toMatch(/demo key/); // the default key is public: say so, on stderr only

    const open = run(['token', 'open', token, '--json']);
    expect(open.status).toBe(0);
    expect(JSON.parse(open.stdout)).toEqual({
      client: 'acme',
      campaign: 'acme-spring-sale',
      recipient: 'jane@example.net',
      sentAt: '2026-11-02T08:00:00.000Z',
      form: 'full',
      keyId: 'demo1',
    });

    // change one character inside the ciphertext (never a no-op, unlike overwriting the tail with fixed text)
    const forged = run([
      'token',
      'open',
      `${token.slice(0, 12)}${token[12] === 'A' ? 'B' : 'A'}${token.slice(13)}`,
    ]);
    expect(forged.status).toBe(1);
    expect(forged.stdout).toBe('');
    expect(forged.stderr).toContain('token does not open (forged, corrupted or unknown key)');

    // Another key ring (the demo key replaced) does not open the demo token.
    const keys = JSON.stringify([{ id: 'prod1', secret: 'p'.repeat(48) }]);
    const other = run(['token', 'open', token], {
      ABUSEDESK_TOKENS_KEYS: keys,
      ABUSEDESK_TOKENS_ACTIVE_KEY_ID: 'prod1',
    });
    expect(other.status).toBe(1);
  }, 60_000);

  it('explains what is missing', () => {
    const r = run(['token', 'mint', '--client', 'acme']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--campaign, --recipient');
  });

  it('refuses a client or campaign it does not know, naming it, unless --force', () => {
    const base = ['token', 'mint', '--recipient', 'jane@example.net'];
    const client = run([...base, '--client', 'nosuchclient', '--campaign', 'acme-spring-sale']);
    expect(client.status).toBe(3);
    expect(client.stderr).toBe(
      'abusedesk: unknown client "nosuchclient": import it first (abusedesk import clients) or mint with --force\n',
    );
    const campaign = run([...base, '--client', 'acme', '--campaign', 'acme-nope']);
    expect(campaign.status).toBe(3);
    expect(campaign.stderr).toMatch(/^abusedesk: unknown campaign "acme-nope"/);
    expect(run([...base, '--client', 'globex', '--campaign', 'acme-spring-sale']).status).toBe(2);
    const forced = run([...base, '--client', 'nosuchclient', '--campaign', 'later', '--force']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(/^adt1[A-Za-z0-9_-]+\n$/);
  });
});
