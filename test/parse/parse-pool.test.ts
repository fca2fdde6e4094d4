import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileMessage } from '../../src/bench/hostile-message.ts';
import { withAuth } from '../../src/authenticate/authenticate-parsed.ts';
import { createFakeResolver } from '../../src/authenticate/fake-resolver.ts';
import { loadProviderRegistry } from '../../src/authenticate/provider-registry.ts';
import { parseMessage } from '../../src/parse/parse-message.ts';
import { ParsePool } from '../../src/parse/parse-pool.ts';
import { migrate } from '../../src/db/migrate.ts';
import { readHeaderBlock } from '../../src/mime/read-header-block.ts';
import { SqliteMessageStore } from '../../src/store/messages-store.ts';
import type { ParseOptions } from '../../src/parse/parse-options.ts';
import { ingestedMessage } from '../helpers/test-service.ts';

const root = join(import.meta.dirname, '..', 'fixtures');
const fixtures = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.eml'))
  .sort();

describe('parse pool', () => {
  const pool = new ParsePool({ threads: 2, timeoutMs: 20_000, maxHeapMb: 512 });
  afterAll(() => pool.close());
  const options = (): ParseOptions => ({
    authenticate: true,
    providers: loadProviderRegistry(),
    resolver: createFakeResolver({ 'example.com': { TXT: [['v=spf1 -all']] } }),
    authTimeoutMs: 2000,
    now: () => new Date('2026-11-23T10:00:00Z'),
    envelope: {
      mailFrom: 'fbl@example.com',
      rcptTo: ['abuse@esp.example'],
      clientIp: '192.0.2.1',
      helo: 'x',
    },
  });

  it(`gives the same report as parseMessage in-process for every fixture (${fixtures.length})`, async () => {
    expect(fixtures.length).toBeGreaterThan(20);
    for (const f of fixtures) {
      const raw = readFileSync(join(root, f));
      const inProcess = await parseMessage(raw, options());
      const o = options();
      const [parsed, auth] = await Promise.all([pool.parse(raw, o), pool.authenticate(raw, o)]);
      expect(withAuth(parsed.report, auth), f).toEqual(inProcess);
      expect(parsed.classification.kind).toBe(inProcess.kind);
    }
    expect(pool.stats.replaced).toBe(0);
  });

  it('reads stored messages from the database by id and gives the same results as for their bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abusedesk-pool-'));
    const file = join(dir, 'abusedesk.db');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    migrate(db);
    const store = new SqliteMessageStore(db);
    const reader = new ParsePool({ threads: 1, timeoutMs: 20_000, maxHeapMb: 512, databaseFile: file });
    try {
      expect(reader.readsStore).toBe(true);
      expect(pool.readsStore).toBe(false);
      for (const f of fixtures.slice(0, 12)) {
        const raw = readFileSync(join(root, f));
        const { id, queueId } = store.storeNow(ingestedMessage(raw, { source: 'smtp' }));
        const ref = reader.source({ id, queueId }, () => {
          throw new Error('the bytes are not read on this thread');
        });
        expect(ref).toEqual({ messageId: id, queueId });
        const o = options();
        expect(await reader.headers(ref), f).toEqual(readHeaderBlock(raw));
        const [parsed, auth] = await Promise.all([reader.parse(ref, o), reader.authenticate(ref, o)]);
        const [bytesParsed, bytesAuth] = await Promise.all([pool.parse(raw, o), pool.authenticate(raw, o)]);
        expect(withAuth(parsed.report, auth), f).toEqual(withAuth(bytesParsed.report, bytesAuth));
      }
      // A message that is not stored: the header read fails (the message is retried), parsing gives kind other.
      const missing = { messageId: 999_999, queueId: 'NONE' };
      await expect(reader.headers(missing)).rejects.toThrow(/raw message is missing/);
      expect((await reader.parse(missing, {})).report.reason).toMatch(/raw message is missing/);
    } finally {
      await reader.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replaces a thread past its time bound; the message is kind other past a parse bound', async () => {
    const tight = new ParsePool({ threads: 1, timeoutMs: 1000, maxHeapMb: 512 });
    try {
      // Parse limits far above the message, so only the thread's time bound can stop it; a 1 ms bound is
      // one no 46 MB message can meet on any machine, so the outcome does not depend on its speed.
      const r = await tight.parse(
        hostileMessage(),
        { limits: { maxHeaderBytes: 64 * 1024 * 1024, timeoutMs: 600_000 } },
        1,
      );
      expect(r.classification).toMatchObject({ kind: 'other' });
      expect(r.report).toMatchObject({ kind: 'other', complainants: [] });
      expect(r.report.reason).toMatch(/past a parse bound: parse thread took longer than 1 ms/);
      expect(tight.stats.replaced).toBe(1);
      // A fresh thread takes the next message.
      const ok = await tight.parse(readFileSync(join(root, fixtures[0]!)), {});
      expect(ok.report.reason).not.toMatch(/past a parse bound/);
    } finally {
      await tight.close();
    }
  }, 30_000);

  it('a thread that exhausts its heap gives kind other past a parse bound and is replaced', async () => {
    const small = new ParsePool({ threads: 1, timeoutMs: 60_000, maxHeapMb: 64 });
    try {
      const r = await small.parse(hostileMessage(), { limits: { maxHeaderBytes: 64 * 1024 * 1024 } });
      expect(r.classification.kind).toBe('other');
      expect(r.report.reason).toMatch(/past a parse bound/);
    } finally {
      await small.close();
    }
  }, 30_000);
});
