#!/usr/bin/env node
// `npm test`'s test step: the whole vitest suite on the embedded SQLite engine, then the storage and pipeline
// suites again on PostgreSQL, in a database created for this run and dropped after it.
//
// PostgreSQL: ABUSEDESK_TEST_POSTGRES_URL (default postgres://127.0.0.1:5432/postgres, a database to connect to
// for CREATE DATABASE). Without a reachable server the PostgreSQL run is skipped with a line saying so, unless
// ABUSEDESK_REQUIRE_POSTGRES=1 (CI), which makes it a failure. ABUSEDESK_TEST_REPORT_DIR=dir writes vitest's JSON
// reports there (sqlite.json, postgres.json). Extra arguments (test name filters, --bail) go to both runs.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The folders whose tests open a database: they run on both engines. */
export const POSTGRES_SUITES = [
  'test/acknowledge',
  'test/actions',
  'test/answer',
  'test/attribute',
  'test/cli',
  'test/cluster',
  'test/db',
  'test/enforcement',
  'test/esp-webhooks',
  'test/imap',
  'test/import',
  'test/ingest',
  'test/intake',
  'test/lifecycle',
  'test/outbox',
  'test/service',
  'test/store',
  'test/suppress',
  'test/web',
  'test/webhooks',
  'test/worker',
];

const args = process.argv.slice(2);
const reportDir = process.env.ABUSEDESK_TEST_REPORT_DIR;
const vitest = (files, env, report) =>
  spawnSync(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--testTimeout=30000',
      '--hookTimeout=30000',
      ...(report ? ['--reporter=default', '--reporter=json', `--outputFile=${join(reportDir, report)}`] : []),
      ...files,
      ...args,
    ],
    { stdio: 'inherit', env: { ...process.env, ...env } },
  ).status ?? 1;

console.log('== SQLite (embedded): every suite');
const sqlite = vitest([], { ABUSEDESK_TEST_DATABASE_URL: '' }, reportDir && 'sqlite.json');

const base = process.env.ABUSEDESK_TEST_POSTGRES_URL || 'postgres://127.0.0.1:5432/postgres';
const required = process.env.ABUSEDESK_REQUIRE_POSTGRES === '1';
let postgres = 0;
let admin = null;
try {
  const PQ = createRequire(import.meta.url)('libpq');
  admin = new PQ();
  admin.connectSync(base);
} catch (e) {
  const why = `PostgreSQL suite NOT run: no PostgreSQL at ${base.replace(/:[^:@/]*@/, ':***@')} (${String(e.message ?? e).trim()})`;
  console.log(`\n== ${why}`);
  if (required) postgres = 1;
  admin = null;
}
if (admin) {
  const name = `abusedesk_test_${process.pid}_${Date.now()}`;
  const run = (sql) => {
    admin.exec(sql);
    const err = admin.resultErrorMessage();
    if (err) throw new Error(err);
  };
  run(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  console.log(`\n== PostgreSQL (${name}): ${POSTGRES_SUITES.length} storage and pipeline suites`);
  try {
    postgres = vitest(
      POSTGRES_SUITES,
      { ABUSEDESK_TEST_DATABASE_URL: url.toString() },
      reportDir && 'postgres.json',
    );
  } finally {
    run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    admin.finish();
  }
}
process.exit(sqlite || postgres);
