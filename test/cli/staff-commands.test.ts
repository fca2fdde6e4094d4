import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { suppress } from '../../src/store/suppressions-store.ts';
import { createTicket } from '../../src/store/tickets-store.ts';
import { cliDatabaseEnv } from '../helpers/cli-process.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';

const cli = new URL('../../src/cli/abusedesk.mjs', import.meta.url).pathname;

describe('tickets and suppressions commands', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let run: (...args: string[]) => { status: number | null; stdout: string; stderr: string };
  let ticketId: string;
  beforeEach(() => {
    tmp = tempDataDir();
    const db = openDatabase(testConfig(tmp.dir));
    const now = new Date('2026-11-23T10:00:00Z');
    loadDemoIfEmpty(db, now);
    ticketId = createTicket(db, {
      type: 'complaint',
      subject: 'Spam complaint from ann@example.com',
      clientId: 1,
      now,
    });
    suppress(db, { address: 'Jane@Example.net', clientId: 1, reason: 'complaint', now });
    db.close();
    run = (...args) => {
      const r = spawnSync(process.execPath, [cli, ...args], {
        env: { PATH: process.env.PATH, ABUSEDESK_DATA_DIR: tmp.dir, ...cliDatabaseEnv(tmp.dir) },
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
  });
  afterEach(() => tmp.cleanup());

  it('lists, notes and resolves tickets', () => {
    const list = JSON.parse(run('tickets', 'list', '--json').stdout) as Array<{ id: string; status: string }>;
    expect(list).toEqual([expect.objectContaining({ id: ticketId, status: 'open', client: 'acme' })]);
    expect(run('tickets', 'note', ticketId, 'called', 'the', 'client').status).toBe(0);
    expect(run('tickets', 'resolve', ticketId, '--note', 'client cleaned its list').status).toBe(0);
    const shown = JSON.parse(run('tickets', 'show', ticketId, '--json').stdout) as {
      status: string;
      events: Array<{ type: string; text: string }>;
    };
    expect(shown.status).toBe('resolved');
    expect(shown.events.map((e) => [e.type, e.text])).toEqual([
      ['note', 'called the client'],
      ['status', 'open → resolved: client cleaned its list'],
    ]);
    expect(run('tickets', 'show', 'AD-NOPE22').status).toBe(3); // not found
  }, 60_000);

  it('adds, lists, exports and removes suppressions', () => {
    expect(run('suppressions', 'add', 'trap@example.org', '--reason', 'trap').status).toBe(0);
    const list = JSON.parse(run('suppressions', 'list', '--json').stdout) as Array<{
      address: string;
      client: string | null;
      reason: string;
    }>;
    expect(list.map((s) => [s.address, s.client, s.reason]).sort()).toEqual([
      ['jane@example.net', 'acme', 'complaint'],
      ['trap@example.org', null, 'trap'],
    ]);
    const csv = run('suppressions', 'export').stdout.trim().split('\n');
    expect(csv[0]).toBe(
      'address,client,reason,firstSeen,lastSeen,count,evidenceReportId,createdBy,note,stream,expiresAt,addressHash',
    );
    expect(csv).toHaveLength(3);
    // A complaint is lifted only with a staff reason.
    const refused = run('suppressions', 'remove', 'jane@example.net', '--client', 'acme');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--why/);
    expect(
      run('suppressions', 'remove', 'jane@example.net', '--client', 'acme', '--why', 'new consent on file')
        .stdout,
    ).toMatch(/removed 1/);
    expect(run('suppressions', 'add', 'not-an-address').status).toBe(2);
    expect(run('suppressions', 'remove', 'x@example.org').status).toBe(2);
  }, 60_000);
});
