import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, maskSecrets } from '../../src/config/load-config.ts';

const cli = new URL('../../src/cli/abusedesk.mjs', import.meta.url).pathname;

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('has working defaults', () => {
    const { config } = loadConfig({ env: {} });
    expect(config.smtp).toMatchObject({
      host: '127.0.0.1',
      port: 2525,
      domains: ['esp.example', 'localhost'],
    });
    expect(config.http.port).toBe(8025);
    expect(config.dataDir).toBe('data');
  });

  it('layers file < env, and records where each value came from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'abusedesk-cfg-'));
    const file = join(dir, 'abusedesk.json');
    writeFileSync(
      file,
      JSON.stringify({ smtp: { port: 2600, domains: ['abuse.esp.example'] }, http: { port: 8100 } }),
    );
    const loaded = loadConfig({
      file,
      env: {
        ABUSEDESK_HTTP_PORT: '8200',
        ABUSEDESK_DATA_DIR: '/var/lib/abusedesk',
        ABUSEDESK_SMTP_MAILBOXES: 'abuse, fbl',
      },
    });
    expect(loaded.config.smtp.port).toBe(2600);
    expect(loaded.config.smtp.domains).toEqual(['abuse.esp.example']);
    expect(loaded.config.smtp.mailboxes).toEqual(['abuse', 'fbl']);
    expect(loaded.config.http.port).toBe(8200);
    expect(loaded.config.dataDir).toBe('/var/lib/abusedesk');
    expect(loaded.sources.get('smtp.port')).toBe('file');
    expect(loaded.sources.get('http.port')).toBe('ABUSEDESK_HTTP_PORT');
    expect(loaded.sources.get('log.level')).toBe('default');
  });

  it('lists every bad key at once, naming the key and how to fix it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'abusedesk-cfg-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ smtp: { maxMessageBytes: -1, mailboxs: ['abuse'] }, log: { level: 'loud' } }),
    );
    const problems = problemsOf(() =>
      loadConfig({
        file,
        env: { ABUSEDESK_SMTP_PORT: 'twenty-five', ABUSEDESK_HTTP_PORT: '70000', ABUSEDESK_SMTP_PROT: '1' },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^smtp\.port: ABUSEDESK_SMTP_PORT expected a number/),
        expect.stringMatching(/^http\.port: .*65535/),
        expect.stringMatching(/^smtp\.maxMessageBytes: /),
        expect.stringMatching(/^smtp\.mailboxs: unknown key/),
        expect.stringMatching(/^log\.level: /),
        expect.stringMatching(/^ABUSEDESK_SMTP_PROT: unknown environment variable/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('refuses a delivery lease that a slow delivery could outlast, naming the key and the bound', () => {
    // A lease shorter than one delivery attempt lets another round take the row and deliver it a second time.
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          ABUSEDESK_OUTBOX_TRANSPORT: 'smtp',
          ABUSEDESK_OUTBOX_SMTP_HOST: 'relay.esp.example',
          ABUSEDESK_OUTBOX_LEASE_MS: '60000',
          ABUSEDESK_WEBHOOKS_TIMEOUT_MS: '10000',
          ABUSEDESK_WEBHOOKS_LEASE_MS: '10000',
        },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^outbox\.leaseMs: .*at least 120000 \(the relay's connection, greeting and idle timeouts\)/,
      ),
      expect.stringMatching(/^webhooks\.leaseMs: leaseMs must be more than timeoutMs \(10000\)/),
    ]);
    // The file transport waits on nothing: any lease will do; a webhook lease past its timeout is accepted.
    const { config } = loadConfig({
      env: { ABUSEDESK_OUTBOX_LEASE_MS: '5000', ABUSEDESK_WEBHOOKS_LEASE_MS: '10001' },
    });
    expect(config.outbox.leaseMs).toBe(5000);
    expect(config.webhooks.leaseMs).toBe(10_001);
    expect(loadConfig({ env: {} }).config.outbox.leaseMs).toBe(300_000);
  });

  it('names an unreadable or non-JSON config file', () => {
    expect(problemsOf(() => loadConfig({ file: '/nonexistent/abusedesk.json', env: {} }))[0]).toMatch(
      /cannot read config file/,
    );
  });

  it('masks secrets for display', () => {
    expect(maskSecrets({ a: { webhookSecret: 'abc', password: 'x', port: 1 } })).toEqual({
      a: { webhookSecret: '********', password: '********', port: 1 },
    });
  });

  it('makes `abusedesk serve` exit non-zero with every bad key listed, before listening', () => {
    const r = spawnSync(process.execPath, [cli, 'serve'], {
      env: { PATH: process.env.PATH, ABUSEDESK_SMTP_PORT: 'x', ABUSEDESK_HTTP_PORT: '-1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toMatch(/smtp\.port: ABUSEDESK_SMTP_PORT expected a number/);
    expect(r.stderr).toMatch(/http\.port: /);
  });
});
