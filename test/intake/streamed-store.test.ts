import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseLocation, openDatabase } from '../../src/db/open-database.ts';
import { ThreadedMessageStore } from '../../src/intake/threaded-message-store.ts';
import { getRaw } from '../../src/store/messages-store.ts';
import { simpleMessage, smtpEnvelope, tempDataDir, testConfig } from '../helpers/test-service.ts';

describe('ThreadedMessageStore (bytes streamed while they arrive)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  it('stores the chunks written, in order, as one message; an aborted or short message stores nothing', async () => {
    const config = testConfig(tmp.dir);
    const db = openDatabase(config);
    const store = new ThreadedMessageStore({ ...config.database, file: databaseLocation(config) });
    try {
      await store.started();
      const raw = Buffer.from(simpleMessage('streamed'));
      // Chunks that are views into one larger buffer: only each chunk's own bytes travel.
      const backing = Buffer.concat([Buffer.from('xx'), raw, Buffer.from('yy')]);
      const writer = store.open();
      for (let i = 2; i < raw.length + 2; i += 7)
        writer.write(backing.subarray(i, Math.min(i + 7, raw.length + 2)));
      const aborted = store.open();
      aborted.write(Buffer.from(simpleMessage('aborted')));
      aborted.abort();
      const short = store.open();
      short.write(Buffer.from('Subject: short\r\n'));
      const [stored, lost] = await Promise.allSettled([
        writer.store(smtpEnvelope, raw.length),
        short.store(smtpEnvelope, 1000),
      ]);
      expect(stored.status).toBe('fulfilled');
      const r = (stored as PromiseFulfilledResult<{ id: number; duplicate: boolean }>).value;
      expect(r.duplicate).toBe(false);
      expect(getRaw(db, r.id)).toEqual(raw);
      expect(lost).toMatchObject({
        status: 'rejected',
        reason: { message: /message bytes lost: 16 of 1000/ },
      });
      expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 1 });
    } finally {
      await store.close();
      db.close();
    }
  });
});
