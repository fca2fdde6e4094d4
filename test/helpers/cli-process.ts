import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { testDatabaseUrl } from './test-service.ts';

/** The CLI entry point, as staff run it. */
export const cliPath = new URL('../../src/cli/abusedesk.mjs', import.meta.url).pathname;

/**
 * Environment for an `abusedesk` child process in tests: its own data dir, free ports (never the defaults a
 * real abusedesk may hold), no DNS, quiet logs, and demo mode (a temp data dir is not the out-of-the-box
 * demo, and the public demo token key needs demo mode).
 */
export function cliEnv(dataDir: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    ABUSEDESK_DATA_DIR: dataDir,
    ...cliDatabaseEnv(dataDir),
    ABUSEDESK_SMTP_PORT: '0',
    ABUSEDESK_HTTP_PORT: '0',
    ABUSEDESK_LOG_LEVEL: 'warn',
    ABUSEDESK_AUTHENTICATE_DNS: 'off',
    ABUSEDESK_DEMO_ENABLED: 'true',
    ...env,
  };
}

/**
 * The PostgreSQL run: ABUSEDESK_DATABASE_URL naming the same schema the test's own connections use for this
 * data dir (empty on SQLite, where the data dir alone finds the database).
 */
export function cliDatabaseEnv(dataDir: string): Record<string, string> {
  const url = testDatabaseUrl(dataDir);
  return url ? { ABUSEDESK_DATABASE_URL: url } : {};
}

/** Runs `abusedesk <args>` as a child process on `dataDir` (env as cliEnv) and waits for it to exit. */
export function runCli(
  dataDir: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string; timeout?: number } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cliPath, ...args], {
    env: cliEnv(dataDir, options.env),
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}
