import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { createTicket } from '../../src/store/tickets-store.ts';
import { suppress } from '../../src/store/suppressions-store.ts';
import { cliDatabaseEnv } from '../helpers/cli-process.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';

const cli = new URL('../../src/cli/abusedesk.mjs', import.meta.url).pathname;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('list commands: honest about what they leave out, complete in JSON, pageable', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let run: (...args: string[]) => Run;
  const ids: string[] = [];

  beforeAll(() => {
    tmp = tempDataDir();
    const db = openDatabase(testConfig(tmp.dir));
    const start = Date.parse('2026-11-23T10:00:00Z');
    // Two tickets per second: equal updatedAt values, so paging must break ties by id.
    for (let i = 0; i < 120; i++)
      ids.push(
        createTicket(db, {
          type: 'complaint',
          subject: `Complaint ${i}`,
          now: new Date(start + Math.floor(i / 2) * 1000),
        }),
      );
    for (let i = 0; i < 60; i++)
      suppress(db, {
        address: `user${i}@example.net`,
        clientId: null,
        reason: 'complaint',
        now: new Date(start + i * 1000),
      });
    db.close();
    run = (...args) => {
      const r = spawnSync(process.execPath, [cli, ...args], {
        env: {
          PATH: process.env.PATH,
          ABUSEDESK_DATA_DIR: tmp.dir,
          ...cliDatabaseEnv(tmp.dir),
          TZ: 'America/New_York',
        },
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
  });
  afterAll(() => tmp.cleanup());

  const rowIds = (r: Run): string[] => (JSON.parse(r.stdout) as Array<{ id: string }>).map((t) => t.id);

  it('shows 50 rows on a terminal and says how many exist', () => {
    const r = run('tickets', 'list');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+status\s+type/);
    expect(lines.slice(1, -1)).toHaveLength(50);
    expect(lines.at(-1)).toBe('50 of 120 — use --limit N or --all to see more');
    // Local time (the test's TZ is New York), minutes only.
    expect(lines[1]).toContain('2026-11-23 05:00');
    expect(r.stderr).toBe('');
  }, 60_000);

  it('shows every row with --all, and UTC with --utc', () => {
    const all = run('tickets', 'list', '--all').stdout.trimEnd().split('\n');
    expect(all).toHaveLength(121);
    expect(all.some((l) => l.includes(' of 120'))).toBe(false);
    expect(run('--utc', 'tickets', 'list', '--limit', '1').stdout).toContain('2026-11-23 10:00 UTC');
  }, 60_000);

  it('prints every row in --json unless --limit is given', () => {
    const json = run('tickets', 'list', '--json');
    expect(json.stderr).toBe('');
    expect(new Set(rowIds(json))).toEqual(new Set(ids));
    const all = run('tickets', 'list', '--json', '--all');
    expect(rowIds(all)).toEqual(rowIds(json));
    // The streamed array is the same text JSON.stringify prints.
    expect(all.stdout).toBe(`${JSON.stringify(JSON.parse(all.stdout), null, 2)}\n`);
    const t = (JSON.parse(json.stdout) as Array<{ updatedAt: string }>)[0]!;
    expect(t.updatedAt).toBe('2026-11-23T10:00:59.000Z');
  }, 60_000);

  it('pages --json with --limit and the cursor on stderr: every row once, in order', () => {
    const seen: string[] = [];
    let r = run('tickets', 'list', '--limit', '50', '--json');
    expect(rowIds(r)).toHaveLength(50);
    expect(r.stderr).toMatch(/^abusedesk: 50 of 120 rows; next page: --cursor \S+\n$/);
    seen.push(...rowIds(r));
    for (let page = 0; page < 5 && r.stderr; page++) {
      const cursor = /--cursor (\S+)/.exec(r.stderr)![1]!;
      r = run('tickets', 'list', '--limit', '50', '--json', '--cursor', cursor);
      expect(r.status).toBe(0);
      seen.push(...rowIds(r));
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(seen).toEqual(rowIds(run('tickets', 'list', '--json')));
  }, 60_000);

  it('refuses a bad --limit, a foreign cursor, and --all with --limit, in one line with exit 2', () => {
    for (const bad of ['x', '0', '-3', '1.5']) {
      const r = run('tickets', 'list', '--limit', bad);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`abusedesk: --limit must be a positive whole number, got "${bad}"\n`);
    }
    const page = run('tickets', 'list', '--limit', '10', '--json');
    const cursor = /--cursor (\S+)/.exec(page.stderr)![1]!;
    for (const args of [
      ['tickets', 'list', '--cursor', 'garbage'],
      ['tickets', 'list', '--status', 'resolved', '--cursor', cursor],
      ['suppressions', 'list', '--cursor', cursor],
      ['tickets', 'list', '--all', '--limit', '5'],
    ]) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  }, 60_000);

  it('pages suppressions the same way (keyset on lastSeen and id)', () => {
    const human = run('suppressions', 'list').stdout.trimEnd().split('\n');
    expect(human.at(-1)).toBe('50 of 60 — use --limit N or --all to see more');
    const first = run('suppressions', 'list', '--json', '--limit', '40');
    const cursor = /--cursor (\S+)/.exec(first.stderr)![1]!;
    const rest = run('suppressions', 'list', '--json', '--limit', '40', '--cursor', cursor);
    expect(rest.stderr).toBe('');
    const addresses = [...JSON.parse(first.stdout), ...JSON.parse(rest.stdout)].map(
      (s: { address: string }) => s.address,
    );
    expect(new Set(addresses).size).toBe(60);
    expect(addresses[0]).toBe('user59@example.net');
  }, 60_000);

  it('gives the other lists the same options', () => {
    for (const list of [
      ['messages', 'list'],
      ['webhooks', 'list'],
      ['clients', 'list'],
      ['users', 'list'],
      ['tokens', 'list'],
      ['traps', 'list'],
    ]) {
      const r = run(...list, '--json', '--limit', '5');
      expect(r.status, list.join(' ')).toBe(0);
      expect(JSON.parse(r.stdout), list.join(' ')).toEqual([]);
      expect(run(...list, '--limit', 'many').status, list.join(' ')).toBe(2);
      expect(run(...list, '--all').status, list.join(' ')).toBe(0);
    }
  }, 120_000);
});
