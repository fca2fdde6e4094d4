import { cliDatabaseEnv } from '../helpers/cli-process.ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/cli-error.ts';
import { tempDataDir } from '../helpers/test-service.ts';

const cli = fileURLToPath(new URL('../../src/cli/abusedesk.mjs', import.meta.url));

/**
 * Every command, given something wrong, answers with exactly one line naming what was wrong and exits with
 * the code of that class of failure (usage 2, not found 3, refused 4, unavailable 5; README "Exit codes").
 */
const CASES: Array<[args: string[], exitCode: number, message: RegExp]> = [
  [['serve', '--bogus'], EXIT.usage, /unknown option '--bogus'/],
  [['ingest', '/nonexistent'], EXIT.notFound, /^abusedesk: \/nonexistent: no such file or directory$/],
  [['messages', 'show', 'NOPE'], EXIT.notFound, /no message with queue id NOPE/],
  [['messages', 'list', '--state', 'weird'], EXIT.usage, /--state must be one of/],
  [['tickets', 'show', 'AD-NOPE22'], EXIT.notFound, /no ticket AD-NOPE22/],
  [['tickets', 'resolve'], EXIT.usage, /missing required argument 'id'/],
  [['suppressions', 'add', 'not-an-address'], EXIT.usage, /is not an email address/],
  [['suppressions', 'remove', 'x@example.org'], EXIT.usage, /--client SLUG, or --all/],
  [['db', 'frobnicate'], EXIT.usage, /unknown command 'frobnicate'/],
  [['config', 'show', '--bogus'], EXIT.usage, /unknown option/],
  [['parse', '/nope.eml'], EXIT.notFound, /^abusedesk: \/nope\.eml: no such file or directory$/],
  [['bench', '--only', 'nonsense'], EXIT.usage, /--only takes/],
  [['bench', '--only', 'intake', '--rounds', '0'], EXIT.usage, /--rounds takes a whole number of 1 or more/],
  [['import', 'gizmos', '/tmp/x'], EXIT.usage, /cannot import "gizmos"/],
  [
    ['import', 'sends', '/nonexistent.jsonl'],
    EXIT.notFound,
    /\/nonexistent\.jsonl: no such file or directory$/,
  ],
  [
    ['token', 'mint', '--client', 'nosuch', '--campaign', 'x', '--recipient', 'a@b.example'],
    EXIT.notFound,
    /unknown client "nosuch"/,
  ],
  [['token', 'open', 'garbage'], EXIT.failed, /token does not open/],
  [['tokens', 'revoke', 'abc'], EXIT.usage, /is not a token id/],
  [['users', 'add', 'x@y.example', '--role', 'emperor'], EXIT.usage, /--role must be one of/],
  [['demo', 'send', '--port', '1'], EXIT.unavailable, /cannot reach abusedesk SMTP/],
  [['webhooks', 'replay', '999'], EXIT.notFound, /no webhook delivery with id 999/],
  [['clients', 'show', 'nobody'], EXIT.notFound, /unknown client "nobody"/],
  [['clients', 'reinstate'], EXIT.usage, /required option '--note/],
  [['traps', 'add', 'nonsense'], EXIT.usage, /neither an address nor @domain/],
];

describe('CLI failures: one line and the documented exit code', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeAll(() => {
    tmp = tempDataDir();
  });
  afterAll(() => tmp.cleanup());

  it.each(CASES)('abusedesk %j', (args, exitCode, message) => {
    const r = spawnSync(process.execPath, [cli, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ABUSEDESK_DATA_DIR: tmp.dir, ...cliDatabaseEnv(tmp.dir) },
      timeout: 30_000,
    });
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^abusedesk: /);
    expect(lines[0]).toMatch(message);
    expect(r.status).toBe(exitCode);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows the stack with --debug', () => {
    const r = spawnSync(process.execPath, [cli, '--debug', 'ingest', '/nonexistent'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ABUSEDESK_DATA_DIR: tmp.dir, ...cliDatabaseEnv(tmp.dir) },
    });
    expect(r.status).toBe(EXIT.notFound);
    expect(r.stderr).toMatch(/^abusedesk: \/nonexistent: no such file or directory\n/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
