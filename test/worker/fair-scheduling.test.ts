import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { SqliteMessageStore, sourceKey } from '../../src/store/messages-store.ts';
import { Processor } from '../../src/worker/processor.ts';
import {
  ingestedMessage,
  memoryLogger,
  simpleMessage,
  tempDataDir,
  testConfig,
} from '../helpers/test-service.ts';

describe('fair worker scheduling', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  const setup = (batchSize: number) => {
    const db = openDatabase(testConfig(tmp.dir));
    const store = new SqliteMessageStore(db);
    const seen: string[] = [];
    const processor = new Processor({
      db,
      stages: [
        {
          name: 'headers',
          run: (ctx) => (seen.push(ctx.message.queueId), { outcome: 'read', reason: 'ok' }),
        },
      ],
      logger: memoryLogger().logger,
      maxAttempts: 3,
      retryBaseMs: 1000,
      pollMs: 50,
      batchSize,
    });
    let n = 0;
    const put = (clientIp: string | null, subject: string) => {
      const r = store.storeNow(
        ingestedMessage(simpleMessage(`${subject}-${n++}`), {
          clientIp,
          source: clientIp ? 'smtp' : 'ingest',
        }),
      );
      names.set(r.queueId, subject);
      return r;
    };
    const names = new Map<string, string>();
    return { db, processor, put, seen: () => seen.map((q) => names.get(q) ?? q) };
  };

  it('processes another source’s report in the first batch after a flood of one source', async () => {
    const { processor, put, seen } = setup(10);
    for (let i = 0; i < 300; i++) put(`198.51.100.${1 + (i % 200)}`, 'flood');
    put('203.0.113.9', 'other');
    const first = await processor.drainOnce();
    expect(first).toBe(10);
    expect(seen()).toContain('other');
    expect(seen().indexOf('other')).toBeLessThan(2);
    expect(await processor.drain()).toBe(291);
  });

  it('takes due messages round-robin across sources, each source in arrival order', async () => {
    const { processor, put, seen } = setup(100);
    for (let i = 0; i < 3; i++) put('198.51.100.1', `a${i}`);
    for (let i = 0; i < 2; i++) put('203.0.113.5', `b${i}`);
    put(null, 'c0');
    put('2001:db8:1:2::7', 'd0');
    put('2001:db8:1:2:ffff::8', 'd1');
    await processor.drain();
    expect(seen()).toEqual(['a0', 'b0', 'c0', 'd0', 'a1', 'b1', 'd1', 'a2']);
  });

  it('keeps taking turns when every source has more waiting than one batch holds', async () => {
    const { processor, put, seen } = setup(6);
    for (let i = 0; i < 8; i++) {
      put('198.51.100.1', `a${i}`);
      put('203.0.113.5', `b${i}`);
    }
    put('192.0.2.1', 'c0');
    expect(await processor.drainOnce()).toBe(6);
    expect(seen()).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'a2']);
    expect(await processor.drainOnce()).toBe(6);
    expect(seen().slice(6)).toEqual(['b2', 'a3', 'b3', 'a4', 'b4', 'a5']);
    expect(await processor.drain()).toBe(5);
    expect(seen().slice(12)).toEqual(['b5', 'a6', 'b6', 'a7', 'b7']);
  });

  it('keys sources by IPv4 /24, IPv6 /64, or the intake source without a client IP', () => {
    expect(sourceKey('198.51.100.77')).toBe('198.51.100.0/24');
    expect(sourceKey('::ffff:198.51.100.77')).toBe('198.51.100.0/24');
    expect(sourceKey('2001:db8:0:1::7')).toBe('2001:db8:0:1::/64');
    expect(sourceKey('2001:DB8:0:1:2:3:4:5')).toBe('2001:db8:0:1::/64');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey(null, 'ingest')).toBe('source:ingest');
  });
});
