import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/webhooks/sign-webhook.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The fenced code block between `<!-- NAME:start -->` and `<!-- NAME:end -->` in README.md. */
function snippet(name: string): string {
  const m = new RegExp(
    `<!-- ${name}:start -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`,
  ).exec(readme);
  if (!m)
    throw new Error(`README.md has no code block between <!-- ${name}:start --> and <!-- ${name}:end -->`);
  return m[1]!;
}

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

type Verify = (secret: string, headers: Record<string, string>, body: string) => boolean;

// A Standard Webhooks secret as `echo "whsec_$(openssl rand -base64 32)"` makes one.
const secret = `whsec_${Buffer.from('integrator-guide-test-key-32byte').toString('base64')}`;
const other = `whsec_${Buffer.from('some-other-endpoint-key-32-bytes').toString('base64')}`;
const body = JSON.stringify({
  type: 'suppression.created',
  timestamp: '2026-11-02T08:00:00.000Z',
  data: { address: 'jane@example.net', reason: 'complaint', scope: 'client', client: 'acme', reportId: 1 },
});
const now = (): number => Math.floor(Date.now() / 1000);

describe('README integrator guide: the webhook verification examples', () => {
  let dir: string;
  let verify: Verify;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'abusedesk-integrator-guide-'));
    const file = join(dir, 'verify-webhook.mjs');
    writeFileSync(file, snippet('verify-webhook'));
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const fns = Object.values(mod).filter((v): v is Verify => typeof v === 'function');
    expect(fns).toHaveLength(1);
    verify = fns[0]!;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the JS example accepts a delivery signed by abusedesk', () => {
    const headers = signWebhook(secret, 'msg_1', now(), body);
    expect(verify(secret, headers, body)).toBe(true);
  });

  it('the JS example accepts a delivery signed with several secrets during a rotation', () => {
    const headers = signWebhook(`${other} ${secret}`, 'msg_2', now(), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verify(secret, headers, body)).toBe(true);
  });

  it('the JS example rejects a tampered body, another id, another secret and a stale timestamp', () => {
    const headers = signWebhook(secret, 'msg_3', now(), body);
    expect(verify(secret, headers, body.replace('jane@', 'john@'))).toBe(false);
    expect(verify(secret, { ...headers, 'webhook-id': 'msg_4' }, body)).toBe(false);
    expect(verify(other, headers, body)).toBe(false);
    const stale = signWebhook(secret, 'msg_5', now() - 3600, body);
    expect(verify(secret, stale, body)).toBe(false);
    expect(verify(secret, { ...headers, 'webhook-timestamp': 'soon' }, body)).toBe(false);
    expect(verify(secret, { ...headers, 'webhook-signature': '' }, body)).toBe(false);
  });

  it.skipIf(!hasOpenssl)(
    'the shell example (openssl) accepts the genuine delivery and rejects a tampered body',
    () => {
      const headers = signWebhook(`${other} ${secret}`, 'msg_6', now(), body);
      const run = (payload: string): string => {
        writeFileSync(join(dir, 'body.json'), payload);
        try {
          return execFileSync('bash', ['-c', snippet('verify-webhook-sh')], {
            cwd: dir,
            env: {
              PATH: process.env.PATH ?? '/usr/bin:/bin',
              secret,
              id: headers['webhook-id']!,
              ts: headers['webhook-timestamp']!,
              sig: headers['webhook-signature']!,
            },
            encoding: 'utf8',
          }).trim();
        } catch (e) {
          return `exit ${(e as { status?: number }).status}: ${String((e as { stdout?: string }).stdout).trim()}`;
        }
      };
      expect(run(body)).toBe('valid');
      expect(run(body.replace('jane@', 'john@'))).toBe('exit 1: INVALID');
    },
  );
});
