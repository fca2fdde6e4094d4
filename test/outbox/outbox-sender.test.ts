import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { createMailTransport } from '../../src/outbox/create-mail-transport.ts';
import { enqueueMail } from '../../src/outbox/enqueue-mail.ts';
import type { MailTransport } from '../../src/outbox/mail-transport.ts';
import { outboxDepth } from '../../src/store/outbox-store.ts';
import { OutboxSender } from '../../src/outbox/outbox-sender.ts';
import { memoryLogger, tempDataDir, testConfig, waitFor } from '../helpers/test-service.ts';
import { outboxRow, recordingTransport, sampleMail } from './outbox-helpers.ts';

describe('OutboxSender', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let db: Database;
  const clock = { t: 0 };
  beforeEach(() => {
    tmp = tempDataDir();
    db = openDatabase(testConfig(tmp.dir));
    clock.t = Date.parse('2026-11-23T10:00:00Z');
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  const sender = (
    transport: MailTransport,
    over: Partial<ConstructorParameters<typeof OutboxSender>[0]> = {},
  ) => {
    const { logger, lines } = memoryLogger();
    const s = new OutboxSender({
      db,
      transport,
      logger,
      maxAttempts: 4,
      retryBaseMs: 1000,
      retryMaxMs: 3000,
      pollMs: 20,
      now: () => new Date(clock.t),
      ...over,
    });
    return { s, lines };
  };
  const queue = (n: number) =>
    enqueueMail(db, sampleMail(n), {
      dedupeKey: `ack:AD-7KQ2MX:${n}`,
      ticketId: 'AD-7KQ2MX',
      now: new Date(clock.t),
    }).id;

  it('file transport writes the complete message as <dataDir>/outbox/<timestamp>-<id>.eml, parseable', async () => {
    const config = testConfig(tmp.dir);
    const { s, lines } = sender(createMailTransport(config));
    const id = queue(1);
    expect(await s.drain()).toBe(1);
    const dir = join(tmp.dir, 'outbox');
    expect(readdirSync(dir)).toEqual([`20261123T100000Z-${id}.eml`]); // no temp file left behind
    const eml = readFileSync(join(dir, `20261123T100000Z-${id}.eml`));
    expect(eml.toString('latin1')).toMatch(/\r\n\r\n/); // CRLF line ends (RFC 5322 §2.1)
    const parsed = await simpleParser(eml);
    expect(parsed.subject).toBe('[AD-7KQ2MX] Re: Spring sale 1');
    expect(parsed.messageId).toBe('<ack.AD-7KQ2MX.1@esp.example>');
    expect(parsed.inReplyTo).toBe('<report@example.net>');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.date?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(parsed.text?.trim()).toBe('Thank you for your report 1.');
    expect(outboxRow(db, id)).toMatchObject({
      state: 'sent',
      attempts: 1,
      sentAt: '2026-11-23T10:00:00.000Z',
      lastError: null,
    });
    expect(lines.find((l) => l.event === 'outbox.sent')).toMatchObject({
      id,
      transport: 'file',
      to: 'reporter1@example.net',
    });
    expect(outboxDepth(db)).toEqual({ pending: 0, failed: 0, oldestPendingAt: null });
    expect(await s.drain()).toBe(0); // sent is never sent again
  });

  it('retries with exponential backoff after a transport that fails twice, then sends once (fake clock)', async () => {
    const transport = recordingTransport(2);
    const { s, lines } = sender(transport);
    const id = queue(1);
    await s.drain();
    expect(outboxRow(db, id)).toMatchObject({
      state: 'pending',
      attempts: 1,
      nextAttemptAt: '2026-11-23T10:00:01.000Z',
      lastError: 'connect ECONNREFUSED 127.0.0.1:587',
    });
    expect(await s.drain()).toBe(0); // not due yet
    clock.t += 999;
    expect(await s.drain()).toBe(0);
    clock.t += 1;
    await s.drain();
    expect(outboxRow(db, id)).toMatchObject({
      state: 'pending',
      attempts: 2,
      nextAttemptAt: '2026-11-23T10:00:03.000Z',
    });
    clock.t += 2000;
    await s.drain();
    expect(outboxRow(db, id)).toMatchObject({
      state: 'sent',
      attempts: 3,
      lastError: null,
      sentAt: '2026-11-23T10:00:03.000Z',
    });
    expect(transport.calls).toBe(3);
    expect(transport.sent).toHaveLength(1);
    expect(lines.filter((l) => l.event === 'outbox.retry').map((l) => l.next)).toEqual([
      '2026-11-23T10:00:01.000Z',
      '2026-11-23T10:00:03.000Z',
    ]);
  });

  it('caps the backoff at retryMaxMs and marks the row failed after maxAttempts, keeping the error', async () => {
    const transport = recordingTransport(Infinity);
    const { s, lines } = sender(transport);
    const id = queue(1);
    const nexts: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      await s.drain();
      const row = outboxRow(db, id);
      nexts.push(row.state === 'pending' ? Date.parse(row.nextAttemptAt as string) - clock.t : row.state);
      clock.t += 10_000;
    }
    expect(nexts).toEqual([1000, 2000, 3000, 'failed']); // 4000 capped to 3000
    expect(outboxRow(db, id)).toMatchObject({
      state: 'failed',
      attempts: 4,
      lastError: 'connect ECONNREFUSED 127.0.0.1:587',
      sentAt: null,
    });
    expect(lines.find((l) => l.event === 'outbox.failed')).toMatchObject({
      id,
      attempts: 4,
      permanent: false,
    });
    expect(outboxDepth(db)).toMatchObject({ pending: 0, failed: 1 });
    clock.t += 1e9;
    expect(await s.drain()).toBe(0);
    expect(transport.calls).toBe(4);
  });

  it('a permanent SMTP rejection (5xx) fails at once', async () => {
    const transport = recordingTransport(1, () =>
      Object.assign(new Error('550 5.1.1 mailbox unavailable'), { responseCode: 550 }),
    );
    const { s, lines } = sender(transport);
    const id = queue(1);
    await s.drain();
    expect(outboxRow(db, id)).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: '550 5.1.1 mailbox unavailable',
    });
    expect(lines.find((l) => l.event === 'outbox.failed')).toMatchObject({ permanent: true });
  });

  it('a payload that no longer validates fails instead of retrying forever', async () => {
    const id = queue(1);
    db.prepare('UPDATE outbox SET payload = ? WHERE id = ?').run('{"to": 1}', id);
    const transport = recordingTransport();
    const { s } = sender(transport);
    await s.drain();
    expect(outboxRow(db, id)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(transport.calls).toBe(0);
  });

  it('a restart (new sender over the same database) sends pending mail exactly once', async () => {
    const ids = [1, 2, 3].map(queue);
    const first = recordingTransport();
    const a = sender(first, { batchSize: 1 });
    expect(await a.s.drainOnce()).toBe(1); // "crash" after one row
    const second = recordingTransport();
    const b = sender(second);
    await b.s.drain();
    expect(first.sent.map((x) => x.ctx.id)).toEqual([ids[0]]);
    expect(second.sent.map((x) => x.ctx.id)).toEqual([ids[1], ids[2]]);
    const third = recordingTransport();
    await sender(third).s.drain();
    expect(third.calls).toBe(0);
    expect(ids.map((id) => outboxRow(db, id).state)).toEqual(['sent', 'sent', 'sent']);
  });

  it('a row claimed by a sender that died mid-send becomes due again after the lease', async () => {
    const id = queue(1);
    // The first sender's transport never answers: the row stays claimed, not sent.
    const hung: MailTransport = { name: 'hung', send: () => new Promise<string>(() => undefined) };
    void sender(hung, { leaseMs: 60_000 }).s.drainOnce();
    await waitFor(() => outboxRow(db, id).nextAttemptAt === '2026-11-23T10:01:00.000Z', 2000, 'claim');
    const second = recordingTransport();
    const b = sender(second, { leaseMs: 60_000 });
    expect(await b.s.drain()).toBe(0); // leased to the first one
    clock.t += 60_000;
    await b.s.drain();
    expect(second.sent).toHaveLength(1);
    expect(outboxRow(db, id)).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('two senders running at once never send the same row twice', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => queue(i + 1));
    const slow = (): MailTransport & { ids: number[] } => {
      const t = {
        name: 'slow',
        ids: [] as number[],
        send: async (_m: unknown, ctx: { id: number }) => (
          await new Promise((r) => setTimeout(r, 1)),
          t.ids.push(ctx.id),
          'ok'
        ),
      };
      return t;
    };
    const ta = slow();
    const tb = slow();
    await Promise.all([sender(ta, { batchSize: 5 }).s.drain(), sender(tb, { batchSize: 5 }).s.drain()]);
    expect([...ta.ids, ...tb.ids].sort((x, y) => x - y)).toEqual(ids);
  });

  it('start/notify/stop: the loop delivers mail queued while it runs', async () => {
    const transport = recordingTransport();
    const { s } = sender(transport, { pollMs: 10_000, now: () => new Date() });
    s.start();
    enqueueMail(db, sampleMail(7), { dedupeKey: 'k7', now: new Date() });
    s.notify();
    await waitFor(() => transport.sent.length === 1, 3000, 'delivery');
    await s.stop();
    expect(transport.sent[0]!.mail.to.address).toBe('reporter7@example.net');
  });
});
