import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSession, queueIdOf, type SmtpClient } from '../../src/bench/smtp-client.ts';
import { simpleMessage, startTestService, tempDataDir } from '../helpers/test-service.ts';

// Distinct loopback addresses are distinct sources (Linux routes all of 127/8 to lo): 127.0.1.x is one /24,
// 127.0.2.x another.
const FLOOD = (i: number): string => `127.0.1.${1 + (i % 250)}`;
const OTHER = '127.0.2.1';

/** Opens a session from `from` and enters DATA; null when the server refused the connection. */
async function enterData(port: number, from: string): Promise<SmtpClient | null> {
  const { client, greeting } = await openSession(port, 'slow.example', from).catch(() => ({
    client: null,
    greeting: { code: 0 },
  }));
  if (!client || greeting.code !== 220) {
    client?.close();
    return null;
  }
  if ((await client.command('MAIL FROM:<>')).code !== 250) return null;
  if ((await client.command('RCPT TO:<abuse@esp.example>')).code !== 250) return null;
  if ((await client.command('DATA')).code !== 354) return null;
  client.write('S');
  return client;
}

describe('slow clients and fair connection slots', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  it('accepts legitimate mail while 200 trickling sessions from another source are open', async () => {
    const svc = await startTestService(tmp.dir, {
      worker: false,
      overrides: { smtp: { maxConnections: 100, maxConnectionsPerSubnet: 40 } },
    });
    const trickling: SmtpClient[] = [];
    try {
      const opened = await Promise.all(
        Array.from({ length: 200 }, (_, i) => enterData(svc.smtpAddress.port, FLOOD(i))),
      );
      for (const c of opened) if (c) trickling.push(c);
      // The /24 holds at most its share; the rest were refused with 421.
      expect(trickling.length).toBe(40);
      expect(svc.lines.filter((l) => l.reason === 'per-subnet-limit').length).toBe(160);
      for (const c of trickling) c.write('x');
      const { client } = await openSession(svc.smtpAddress.port, 'legit.example', OTHER);
      const reply = await client.send('', ['abuse@esp.example'], simpleMessage('legit'));
      expect(reply.code).toBe(250);
      expect(queueIdOf(reply)).toBeTruthy();
      await client.quit();
    } finally {
      for (const c of trickling) c.close();
      await svc.stop();
    }
  }, 30_000);

  it('drops a session whose DATA stays below the minimum rate after the grace period', async () => {
    const svc = await startTestService(tmp.dir, {
      worker: false,
      overrides: { smtp: { dataMinBytesPerSecond: 1000, dataRateGraceMs: 200 } },
    });
    try {
      const client = (await enterData(svc.smtpAddress.port, FLOOD(0)))!;
      const timer = setInterval(() => client.write('x'), 50);
      const reply = await client.reply();
      clearInterval(timer);
      expect(reply).toMatchObject({ code: 421, text: expect.stringMatching(/^4\.4\.2/) });
      expect(svc.lines.some((l) => l.event === 'smtp.session_dropped' && l.reason === 'data-too-slow')).toBe(
        true,
      );
      expect(svc.intake.messagesInData).toBe(0);
    } finally {
      await svc.stop();
    }
  }, 30_000);

  it('drops a session that sends nothing inside DATA for dataIdleTimeoutMs', async () => {
    const svc = await startTestService(tmp.dir, {
      worker: false,
      overrides: { smtp: { dataIdleTimeoutMs: 200, dataMinBytesPerSecond: 0 } },
    });
    try {
      const client = (await enterData(svc.smtpAddress.port, FLOOD(0)))!;
      expect(await client.reply()).toMatchObject({ code: 421, text: expect.stringMatching(/^4\.4\.2/) });
      expect(svc.lines.some((l) => l.reason === 'data-idle')).toBe(true);
    } finally {
      await svc.stop();
    }
  }, 30_000);

  it('when every slot is taken, a new source takes over a slot of the source holding the most', async () => {
    const svc = await startTestService(tmp.dir, {
      worker: false,
      overrides: { smtp: { maxConnections: 10, maxConnectionsPerSubnet: 10 } },
    });
    const held: SmtpClient[] = [];
    try {
      for (let i = 0; i < 10; i++) held.push((await enterData(svc.smtpAddress.port, FLOOD(i)))!);
      expect(held.every(Boolean)).toBe(true);
      const { client, greeting } = await openSession(svc.smtpAddress.port, 'legit.example', OTHER);
      expect(greeting.code).toBe(220);
      expect((await client.send('', ['abuse@esp.example'], simpleMessage('fair'))).code).toBe(250);
      const newest = await held[9]!.reply();
      expect(newest).toMatchObject({ code: 421, text: expect.stringMatching(/^4\.7\.0/) });
      expect(svc.lines.some((l) => l.reason === 'fair-share')).toBe(true);
      // Another session from the full /24 is still refused: it would take its own source's slot.
      const again = await openSession(svc.smtpAddress.port, 'slow.example', FLOOD(20));
      expect(again.greeting.code).toBe(421);
      again.client.close();
      await client.quit();
    } finally {
      for (const c of held) c.close();
      await svc.stop();
    }
  }, 30_000);

  it('past the backlog limit answers 451 4.7.1 to the source with the most queued messages only', async () => {
    const svc = await startTestService(tmp.dir, { worker: false, overrides: { worker: { maxBacklog: 5 } } });
    try {
      const flood = await openSession(svc.smtpAddress.port, 'flood.example', FLOOD(0));
      for (let i = 0; i < 5; i++)
        expect((await flood.client.send('', ['abuse@esp.example'], simpleMessage(`flood${i}`))).code).toBe(
          250,
        );
      expect(await flood.client.send('', ['abuse@esp.example'], simpleMessage('flood5'))).toMatchObject({
        code: 451,
        text: expect.stringMatching(/^4\.7\.1/),
      });
      await flood.client.command('RSET');
      const other = await openSession(svc.smtpAddress.port, 'legit.example', OTHER);
      expect((await other.client.send('', ['abuse@esp.example'], simpleMessage('other0'))).code).toBe(250);
      expect((await other.client.send('', ['abuse@esp.example'], simpleMessage('other1'))).code).toBe(250);
      await other.client.quit();
      await flood.client.quit();
      expect(svc.lines.filter((l) => l.reason === 'backlog').length).toBe(1);
    } finally {
      await svc.stop();
    }
  }, 30_000);
});
