import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { demoKeyProblem } from '../../src/service/demo-key-guard.ts';
import { tempDataDir } from '../helpers/test-service.ts';

const cli = fileURLToPath(new URL('../../src/cli/abusedesk.mjs', import.meta.url));
const config = (overrides: Record<string, unknown> = {}) => loadConfig({ env: {}, overrides }).config;
const OWN_KEY = {
  keys: [{ id: 'k1', secret: 'an-operator-secret-of-at-least-32-characters' }],
  activeKeyId: 'k1',
};

describe('the public demo trace-token key is refused outside demo mode', () => {
  it('allows it out of the box: default data dir, demo.load on, only demo clients (or none yet)', () => {
    expect(demoKeyProblem(config(), [])).toBeNull();
    expect(demoKeyProblem(config(), ['acme', 'globex', 'initech'])).toBeNull();
  });

  it('refuses it with real clients, another data dir or demo.load off, naming tokens.keys and the fix', () => {
    for (const [c, slugs] of [
      [config(), ['acme', 'bigbank']],
      [config({ dataDir: '/var/lib/abusedesk' }), []],
      [config({ demo: { load: false } }), []],
    ] as const) {
      const problem = demoKeyProblem(c, slugs);
      expect(problem).toMatch(/^tokens\.keys: the public demo trace-token key/);
      expect(problem).toMatch(/demo\.enabled=true/);
      expect(problem).not.toMatch(/\n/);
    }
  });

  it('allows it anywhere with demo.enabled, and never minds a configuration without it', () => {
    expect(demoKeyProblem(config({ dataDir: '/tmp/x', demo: { enabled: true } }), ['bigbank'])).toBeNull();
    expect(demoKeyProblem(config({ dataDir: '/tmp/x', tokens: OWN_KEY }), ['bigbank'])).toBeNull();
    // A retired demo key still listed would let anyone mint tokens that open: refused too.
    const retired = config({
      dataDir: '/tmp/x',
      tokens: {
        keys: [...OWN_KEY.keys, { id: 'demo1', secret: 'abusedesk-DEMO-ONLY-trace-token-secret-replace-me' }],
        activeKeyId: 'k1',
      },
    });
    expect(demoKeyProblem(retired, [])).toMatch(/^tokens\.keys/);
  });

  describe('abusedesk serve', () => {
    let tmp: ReturnType<typeof tempDataDir>;
    beforeEach(() => {
      tmp = tempDataDir();
    });
    afterEach(() => tmp.cleanup());

    it('exits 78 with one line before listening when a non-default data dir uses the demo key', () => {
      const r = spawnSync(process.execPath, [cli, 'serve'], {
        env: {
          PATH: process.env.PATH,
          ABUSEDESK_DATA_DIR: tmp.dir,
          ABUSEDESK_SMTP_PORT: '0',
          ABUSEDESK_HTTP_PORT: '0',
          ABUSEDESK_AUTHENTICATE_DNS: 'off',
          ABUSEDESK_LOG_LEVEL: 'warn',
        },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.status).toBe(78);
      expect(r.stdout).not.toMatch(/abusedesk is running/);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('abusedesk: '));
      expect(lines).toEqual([
        expect.stringMatching(/^abusedesk: tokens\.keys: the public demo trace-token key/),
      ]);
    });
  });
});
