import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostileMessage } from '../../src/bench/hostile-message.ts';
import { openSession } from '../../src/bench/smtp-client.ts';
import { SqliteMessageStore, getMessage } from '../../src/store/messages-store.ts';
import { ingestedMessage, startTestService, tempDataDir, waitFor } from '../helpers/test-service.ts';

describe('parsing off the event loop', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  it('serves SMTP and HTTP while a hostile message is parsed in the pool', async () => {
    const svc = await startTestService(tmp.dir, {
      // Parse bounds far above the message, so its parse runs for seconds (the pool's own bound still holds).
      overrides: {
        parse: { threads: 1, maxHeaderBytes: 64 * 1024 * 1024, timeoutMs: 600_000, threadTimeoutMs: 120_000 },
      },
    });
    try {
      const { client } = await openSession(svc.smtpAddress.port);
      const stored = new SqliteMessageStore(svc.db).storeNow(
        ingestedMessage(hostileMessage(), { clientIp: '198.51.100.7', source: 'smtp' }),
      );
      svc.processor.notify();
      const before = svc.parsePool.stats.completed;
      await waitFor(() => svc.parsePool.stats.running > 0, 20_000, 'the parse pool to start the message');
      // Probes: each reply is checked against the pool at the moment it arrived.
      let whileParsing = 0;
      let http = 0;
      while (svc.parsePool.stats.running > 0 && whileParsing < 20) {
        const noop = await client.command('NOOP');
        expect(noop.code).toBe(250);
        const res = await fetch(`http://127.0.0.1:${svc.httpAddress.port}/healthz`);
        await res.arrayBuffer();
        if (svc.parsePool.stats.running > 0) {
          whileParsing++;
          if (res.status > 0) http++;
        }
      }
      expect(whileParsing).toBeGreaterThanOrEqual(3);
      expect(http).toBeGreaterThanOrEqual(3);
      await client.quit();
      const done = await waitFor(
        () =>
          getMessage(svc.db, stored.queueId)?.state === 'done' ? getMessage(svc.db, stored.queueId) : null,
        120_000,
        'the hostile message to be processed',
      );
      // The header block, authenticate and classify+extract of the message ran in the pool.
      expect(svc.parsePool.stats.completed - before).toBe(3);
      expect(done.stages.map((s) => s.stage)).toEqual(
        expect.arrayContaining(['authenticate', 'classify', 'extract']),
      );
    } finally {
      await svc.stop();
    }
  }, 180_000);
});
