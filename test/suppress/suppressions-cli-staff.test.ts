import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { addressHash } from '../../src/privacy/address-hash.ts';
import { suppressionRemovals } from '../../src/store/suppression-admin-store.ts';
import { suppressionChangesSince } from '../../src/store/suppression-changes-store.ts';
import { eraseSuppressionAddress, suppress } from '../../src/store/suppressions-store.ts';
import { runCli } from '../helpers/cli-process.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';

// The CLI is a staff surface like the pages: its removals land in the removal history with who and why, and its
// export never shows an erased address.
describe('abusedesk suppressions remove and export as staff see them', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let hash: string;
  beforeAll(() => {
    tmp = tempDataDir();
    const config = testConfig(tmp.dir);
    const db = openDatabase(config);
    const now = new Date();
    loadDemoIfEmpty(db, now);
    suppress(db, { address: 'jane@example.net', clientId: 1, reason: 'complaint', now });
    suppress(db, { address: 'gone@example.net', clientId: 1, reason: 'complaint', stream: 'marketing', now });
    hash = addressHash(config.privacy.hashKey, 'gone@example.net');
    eraseSuppressionAddress(db, { address: 'gone@example.net', hash, now });
    db.close();
  });
  afterAll(() => tmp.cleanup());
  const run = (...args: string[]) => runCli(tmp.dir, args, { env: { USER: 'ops' } });
  const withDb = <T>(fn: (db: ReturnType<typeof openDatabase>) => T): T => {
    const db = openDatabase(testConfig(tmp.dir));
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };

  it('suppressions remove is audited as suppression.remove with the reason, and shows in the removal history', () => {
    const r = run(
      'suppressions',
      'remove',
      'jane@example.net',
      '--client',
      'acme',
      '--why',
      'consent re-confirmed',
    );
    expect(r.status).toBe(0);
    withDb((db) => {
      expect(suppressionRemovals(db, { limit: 10 })).toEqual([
        expect.objectContaining({
          actor: 'cli:ops',
          address: 'jane@example.net',
          detail: expect.objectContaining({ client: 'acme', why: 'consent re-confirmed', removed: 1 }),
        }),
      ]);
      const removed = suppressionChangesSince(db, { afterId: 0, limit: 100 }).filter(
        (c) => c.change === 'removed',
      );
      expect(removed.map((c) => [c.address, c.actor, c.why])).toEqual([
        ['jane@example.net', 'cli:ops', 'consent re-confirmed'],
      ]);
    });
  });

  it('suppressions export shows an erased row with an empty address and its hash', () => {
    const r = run('suppressions', 'export');
    expect(r.status).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    const cols = header!.split(',');
    expect(cols.slice(-3)).toEqual(['stream', 'expiresAt', 'addressHash']);
    expect(r.stdout).not.toContain('gone@example.net');
    expect(r.stdout).not.toContain('erased:');
    const erased = rows.map((l): Record<string, string> =>
      Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])),
    );
    expect(erased).toContainEqual(
      expect.objectContaining({ address: '', client: 'acme', stream: 'marketing', addressHash: hash }),
    );
  });
});
