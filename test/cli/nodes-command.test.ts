import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { listAudit } from '../../src/store/audit-store.ts';
import { reportNode } from '../../src/store/cluster-nodes-store.ts';
import { takeOrRenewLease } from '../../src/store/job-leases-store.ts';
import { runCli } from '../helpers/cli-process.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';

describe('nodes command', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let run: (...args: string[]) => ReturnType<typeof runCli>;
  beforeEach(() => {
    tmp = tempDataDir();
    const db = openDatabase(testConfig(tmp.dir));
    const now = Date.now();
    const at = (ms: number): string => new Date(now + ms).toISOString();
    reportNode(db, { id: 'mx1', startedAt: at(-60_000), seenAt: at(0), smtp: '10.0.0.1:25', http: null });
    reportNode(db, {
      id: 'mx2',
      startedAt: at(-90_000),
      seenAt: at(-45_000),
      smtp: '10.0.0.2:25',
      http: null,
    });
    takeOrRenewLease(db, { name: 'purge', node: 'mx1', now: new Date(now), until: new Date(now + 15_000) });
    db.close();
    run = (...args) =>
      runCli(tmp.dir, args, { env: { ABUSEDESK_CLUSTER_LEASE_MS: '15000', USER: 'ops' }, timeout: 20_000 });
  });
  afterEach(() => tmp.cleanup());

  it('lists the nodes up first with their jobs, then the jobs; forgets a node that is down, never one that is up', () => {
    const list = run('nodes', 'list', '--utc');
    expect(list.stderr).toBe('');
    const lines = list.stdout.split('\n');
    expect(lines[0]).toMatch(/^id\s+status\s+seenAt\s+startedAt\s+smtp\s+http\s+claims\s+jobs$/);
    expect(lines[1]).toMatch(/^mx1\s+up\s+.*10\.0\.0\.1:25\s+-\s+0\s+purge$/);
    expect(lines[2]).toMatch(/^mx2\s+down\s+.*10\.0\.0\.2:25\s+-\s+0\s+-$/);
    expect(list.stdout).toMatch(/\njob\s+status\s+holder\s+since\s+expiresAt\npurge\s+running\s+mx1\s/);
    const json = JSON.parse(run('nodes', 'list', '--json').stdout) as {
      nodes: Array<{ id: string; status: string }>;
    };
    expect(json.nodes.map((n) => `${n.id} ${n.status}`)).toEqual(['mx1 up', 'mx2 down']);

    const up = run('nodes', 'forget', 'mx1');
    expect(up.status).toBe(4);
    expect(up.stderr).toMatch(/node "mx1" is up .*stop it first/);
    expect(run('nodes', 'forget', 'mx9').status).toBe(3);
    const forgot = run('nodes', 'forget', 'mx2');
    expect(forgot.status).toBe(0);
    expect(forgot.stdout).toMatch(
      /^mx2 forgotten \(last seen .*\); 0 claimed message\(s\) released to the other nodes\n$/,
    );
    const db = openDatabase(testConfig(tmp.dir));
    try {
      expect(listAudit(db, { action: 'node.forget' })[0]).toMatchObject({ actor: 'cli:ops', target: 'mx2' });
    } finally {
      db.close();
    }
    expect(JSON.parse(run('nodes', 'list', '--json').stdout)).toMatchObject({ nodes: [{ id: 'mx1' }] });
  });
});
