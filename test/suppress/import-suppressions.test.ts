import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { suppressionChangesSince } from '../../src/store/suppression-changes-store.ts';
import { listSuppressions } from '../../src/store/suppressions-store.ts';
import { runCli } from '../helpers/cli-process.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';

describe('abusedesk import suppressions and suppressions add/remove', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeAll(() => {
    tmp = tempDataDir();
    const db = openDatabase(testConfig(tmp.dir));
    loadDemoIfEmpty(db, new Date());
    db.close();
  });
  afterAll(() => tmp.cleanup());
  const run = (...args: string[]) => runCli(tmp.dir, args);

  it('imports a CSV, keeps the good rows and reports bad ones by line', () => {
    const csv = join(tmp.dir, 'sup.csv');
    writeFileSync(
      csv,
      [
        'address,client,reason,stream,note',
        'jane@example.net,acme,complaint,marketing,from the old platform',
        '*@*.spammy.example,,manual,,',
        'bad*@example.net,acme,manual,,',
        'bob@example.net,nosuch,manual,,',
        'carl@example.net,acme,nonsense,,',
        'dora@example.net,,,,',
        '',
      ].join('\n'),
    );
    const r = run('import', 'suppressions', csv);
    expect(r.stderr).toMatch(/sup\.csv:4: address: .*whole domain/);
    expect(r.stderr).toMatch(/sup\.csv:5: client: unknown client "nosuch"/);
    expect(r.stderr).toMatch(/sup\.csv:6: reason: one of/);
    expect(r.stdout).toMatch(/imported 3 suppressions, 3 bad rows/);
    expect(r.status).toBe(0);
    const db = openDatabase(testConfig(tmp.dir));
    try {
      expect(
        listSuppressions(db)
          .map((s) => [s.address, s.client, s.reason, s.stream])
          .sort(),
      ).toEqual([
        ['@*.spammy.example', null, 'manual', null],
        ['dora@example.net', null, 'manual', null],
        ['jane@example.net', 'acme', 'complaint', 'marketing'],
      ]);
      expect(suppressionChangesSince(db, { afterId: 0, limit: 10 }).every((c) => c.change === 'added')).toBe(
        true,
      );
    } finally {
      db.close();
    }
  });

  it('imports JSONL; every row bad is exit 2', () => {
    const jsonl = join(tmp.dir, 'sup.jsonl');
    writeFileSync(jsonl, '{"address":"eve@example.net","client":"acme","reason":"unsubscribe"}\nnot json\n');
    const ok = run('import', 'suppressions', jsonl);
    expect(ok.stderr).toMatch(/sup\.jsonl:2: invalid JSON/);
    expect(ok.stdout).toMatch(/imported 1 suppression, 1 bad row/);
    writeFileSync(jsonl, '{"address":"@"}\n');
    expect(run('import', 'suppressions', jsonl).status).toBe(2);
  });

  it('lifts a complaint only with --why; a malformed pattern is exit 2', () => {
    const refused = run('suppressions', 'remove', 'jane@example.net', '--client', 'acme');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/complaint is lifted only with a staff reason/);
    const ok = run(
      'suppressions',
      'remove',
      'jane@example.net',
      '--client',
      'acme',
      '--why',
      'consent re-confirmed',
    );
    expect(ok.stdout).toMatch(/removed 1 suppression/);
    expect(run('suppressions', 'add', 'x@*', '--client', 'acme').status).toBe(2);
  });
});
