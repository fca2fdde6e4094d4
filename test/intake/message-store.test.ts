import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { SqliteMessageStore } from '../../src/store/messages-store.ts';
import { incomingMessage, tempDataDir, testConfig } from '../helpers/test-service.ts';

describe('SqliteMessageStore (group commit)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  it('commits concurrent stores in one transaction and resolves each with its own queue id', async () => {
    const db = openDatabase(testConfig(tmp.dir));
    const store = new SqliteMessageStore(db);
    const commits: number[] = [];
    store.onStored((n) => commits.push(n));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.store(incomingMessage(`m${i}`))),
    );
    expect(new Set(results.map((r) => r.queueId)).size).toBe(20);
    expect(commits).toEqual([20]);
    const row = db
      .prepare('SELECT message_id AS mid, client_ip AS ip FROM messages WHERE queue_id = ?')
      .get(results[3]!.queueId);
    expect(row).toEqual({ mid: '<m3@example.net>', ip: '192.0.2.1' });
    db.close();
  });

  it('treats identical bytes in the same batch as one message', async () => {
    const db = openDatabase(testConfig(tmp.dir));
    const store = new SqliteMessageStore(db);
    const [a, b] = await Promise.all([
      store.store(incomingMessage('same')),
      store.store(incomingMessage('same')),
    ]);
    expect(b.queueId).toBe(a.queueId);
    expect(b.duplicate).toBe(true);
    db.close();
  });
});
