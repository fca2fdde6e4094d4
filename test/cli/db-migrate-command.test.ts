import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, cliPath } from '../helpers/cli-process.ts';
import { tempDataDir, testDatabaseUrl } from '../helpers/test-service.ts';
import { dropSchema } from '../../src/db/postgres/drop-schema.ts';

describe('db migrate', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => {
    const url = testDatabaseUrl(tmp.dir);
    if (url) dropSchema(url);
    tmp.cleanup();
  });
  const migrate = (env: Record<string, string> = {}): { status: number | null; stdout: string } => {
    const r = spawnSync(process.execPath, [cliPath, 'db', 'migrate'], {
      env: cliEnv(tmp.dir, env),
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: r.status, stdout: r.stdout };
  };

  it('names the database it migrated (a PostgreSQL URL without its password), then says it is up to date', () => {
    const url = testDatabaseUrl(tmp.dir);
    // The password is the server's to ignore (trust) or check: either way it is not printed.
    const withPassword = url ? Object.assign(new URL(url), { password: 's3cret-pw' }).toString() : null;
    const env: Record<string, string> = withPassword ? { ABUSEDESK_DATABASE_URL: withPassword } : {};
    const first = migrate(env);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^applied 0\d\d-/m);
    const named = url ? withPassword!.replace('s3cret-pw', '***') : join(tmp.dir, 'abusedesk.db');
    expect(first.stdout).toContain(`${named} is at schema version `);
    expect(first.stdout).not.toContain('s3cret-pw');
    const again = migrate(env);
    expect(again.stdout).toMatch(new RegExp(`is at schema version \\d+ \\(up to date\\)\\n$`));
    expect(again.stdout).not.toContain('applied');
  });
});
