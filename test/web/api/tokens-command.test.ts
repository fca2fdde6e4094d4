import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyApiToken } from '../../../src/auth/api-tokens.ts';
import { openDatabase } from '../../../src/db/open-database.ts';
import { cliDatabaseEnv } from '../../helpers/cli-process.ts';
import { tempDataDir, testConfig } from '../../helpers/test-service.ts';

const cli = new URL('../../../src/cli/abusedesk.mjs', import.meta.url).pathname;

describe('abusedesk tokens create|list|revoke', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args], {
      env: {
        PATH: process.env.PATH,
        ABUSEDESK_DATA_DIR: tmp.dir,
        ...cliDatabaseEnv(tmp.dir),
        USER: 'tester',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  beforeAll(() => {
    tmp = tempDataDir();
    openDatabase(testConfig(tmp.dir)).close();
  });
  afterAll(() => tmp.cleanup());

  it('prints the secret alone on stdout, lists without secrets, revokes, and audits', () => {
    const created = run('tokens', 'create', '--role', 'agent', '--name', 'platform');
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/^adk_[A-Za-z0-9_-]{40}\n$/);
    const secret = created.stdout.trim();
    const db = openDatabase(testConfig(tmp.dir));
    try {
      expect(verifyApiToken(db, secret, new Date())).toMatchObject({ name: 'platform', role: 'agent' });
      const list = run('tokens', 'list', '--json');
      expect(JSON.parse(list.stdout)).toEqual([
        expect.objectContaining({ id: 1, name: 'platform', role: 'agent', revokedAt: null }),
      ]);
      expect(list.stdout).not.toContain(secret);
      expect(run('tokens', 'revoke', '1').status).toBe(0);
      expect(run('tokens', 'revoke', '1').status).toBe(3); // no live token: not found
      expect(verifyApiToken(db, secret, new Date())).toBeNull();
      expect(db.prepare('SELECT actor, action FROM audit_log ORDER BY id').all()).toEqual([
        { actor: 'cli:tester', action: 'token.create' },
        { actor: 'cli:tester', action: 'token.revoke' },
      ]);
    } finally {
      db.close();
    }
    expect(run('tokens', 'create', '--role', 'root', '--name', 'x').status).toBe(2);
  }, 30_000);
});
