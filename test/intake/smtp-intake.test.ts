import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSession, queueIdOf } from '../../src/bench/smtp-client.ts';
import type { MessageStore } from '../../src/store/messages-store.ts';
import { getRaw, listMessages } from '../../src/store/messages-store.ts';
import { simpleMessage, startTestService, tempDataDir, waitFor } from '../helpers/test-service.ts';

describe('SMTP intake over a real socket', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  it('applies the recipient policy and accepts the null sender', async () => {
    const svc = await startTestService(tmp.dir);
    try {
      const { client, greeting, ehlo } = await openSession(svc.smtpAddress.port);
      expect(greeting.code).toBe(220);
      expect(ehlo.text).toMatch(/SIZE 26214400/);
      expect(ehlo.text).not.toMatch(/AUTH/);
      expect((await client.command('AUTH PLAIN AGpAcA==')).code).toBeGreaterThanOrEqual(500);
      expect((await client.command('MAIL FROM:<>')).code).toBe(250);
      expect(await client.command('RCPT TO:<nobody@esp.example>')).toMatchObject({
        code: 550,
        text: expect.stringMatching(/^5\.1\.1/),
      });
      expect(await client.command('RCPT TO:<abuse@victim.example>')).toMatchObject({
        code: 550,
        text: expect.stringMatching(/^5\.7\.1/),
      });
      expect((await client.command('RCPT TO:<Abuse+Yahoo@ESP.EXAMPLE>')).code).toBe(250);
      // RFC 5321 §4.5.1: a server MUST NOT refuse RCPT TO:<Postmaster> (no domain).
      expect((await client.command('RCPT TO:<Postmaster>')).code).toBe(250);
      const reply = await client.data(simpleMessage('policy'));
      expect(reply.code).toBe(250);
      const queueId = queueIdOf(reply);
      expect(queueId).toMatch(/^[0-9A-Z]{14}$/);
      await client.quit();
      const [stored] = listMessages(svc.db);
      expect(stored).toMatchObject({
        queueId,
        mailFrom: '',
        rcptTo: ['Abuse+Yahoo@ESP.EXAMPLE', 'Postmaster'],
        clientIp: '127.0.0.1',
        helo: 'client.example',
      });
      expect(getRaw(svc.db, stored!.id)!.toString()).toContain('This is spam I got.');
      // the worker reads the headers of what intake stored
      const done = await waitFor(
        () => listMessages(svc.db).find((m) => m.state === 'done'),
        5000,
        'processing',
      );
      expect(done.headers).toMatchObject({
        subject: 'policy',
        from: 'jane@example.net',
        messageId: '<policy@example.net>',
      });
      expect(done.stages.map((s) => s.stage)).toContain('headers');
      expect(
        svc.lines.some(
          (l) => l.event === 'smtp.accepted' && l.queueId === queueId && l.clientIp === '127.0.0.1',
        ),
      ).toBe(true);
      expect(svc.lines.some((l) => l.event === 'smtp.rcpt_rejected' && l.reason === 'foreign-domain')).toBe(
        true,
      );
    } finally {
      await svc.stop();
    }
  });

  it('answers 552 5.3.4 to a message over the size limit and stores nothing', async () => {
    const svc = await startTestService(tmp.dir, { overrides: { smtp: { maxMessageBytes: 10_000 } } });
    try {
      const { client } = await openSession(svc.smtpAddress.port);
      const reply = await client.send(
        'a@b.example',
        ['abuse@esp.example'],
        simpleMessage('big') + 'x'.repeat(76).concat('\r\n').repeat(400),
      );
      expect(reply).toMatchObject({ code: 552, text: expect.stringMatching(/^5\.3\.4/) });
      // the session stays usable
      expect((await client.send('a@b.example', ['abuse@esp.example'], simpleMessage('small'))).code).toBe(
        250,
      );
      await client.quit();
      expect(listMessages(svc.db).map((m) => m.headers?.subject ?? m.size)).toHaveLength(1);
      // and a declared SIZE= over the limit is refused at MAIL FROM
      const s2 = await openSession(svc.smtpAddress.port);
      expect((await s2.client.command('MAIL FROM:<a@b.example> SIZE=20000')).code).toBe(552);
      await s2.client.quit();
    } finally {
      await svc.stop();
    }
  });

  it('answers 451 when the durable store fails, and 250 only once it succeeds', async () => {
    let failing = true;
    const svc = await startTestService(tmp.dir, {
      wrapStore: (real): MessageStore => ({
        store: (m) => (failing ? Promise.reject(new Error('disk I/O error')) : real.store(m)),
      }),
    });
    try {
      const { client } = await openSession(svc.smtpAddress.port);
      const reply = await client.send('a@b.example', ['abuse@esp.example'], simpleMessage('fails'));
      expect(reply).toMatchObject({ code: 451, text: expect.stringMatching(/^4\.3\.0/) });
      expect(listMessages(svc.db)).toHaveLength(0);
      failing = false;
      expect((await client.send('a@b.example', ['abuse@esp.example'], simpleMessage('fails'))).code).toBe(
        250,
      );
      expect(listMessages(svc.db)).toHaveLength(1);
      await client.quit();
      expect(svc.lines.some((l) => l.event === 'smtp.rejected' && l.reason === 'store-failed')).toBe(true);
    } finally {
      await svc.stop();
    }
  });

  it('answers 451 when storing passes its deadline', async () => {
    const svc = await startTestService(tmp.dir, {
      overrides: { smtp: { storeTimeoutMs: 100 } },
      wrapStore: (): MessageStore => ({ store: () => new Promise(() => undefined) }),
    });
    try {
      const { client } = await openSession(svc.smtpAddress.port);
      expect((await client.send('a@b.example', ['abuse@esp.example'], simpleMessage('slow'))).code).toBe(451);
      await client.quit();
    } finally {
      await svc.stop();
    }
  });

  it('stores a client retry of the very same message once, with the same queue id', async () => {
    const svc = await startTestService(tmp.dir);
    try {
      const { client } = await openSession(svc.smtpAddress.port);
      const first = await client.send('a@b.example', ['abuse@esp.example'], simpleMessage('retry'));
      const second = await client.send('a@b.example', ['abuse@esp.example'], simpleMessage('retry'));
      expect(first.code).toBe(250);
      expect(queueIdOf(second)).toBe(queueIdOf(first));
      await client.quit();
      expect(listMessages(svc.db)).toHaveLength(1);
    } finally {
      await svc.stop();
    }
  });

  it('limits recipients per message and connections per IP', async () => {
    const svc = await startTestService(tmp.dir, {
      overrides: { smtp: { maxRecipients: 2, maxConnectionsPerIp: 2 } },
    });
    try {
      const a = await openSession(svc.smtpAddress.port);
      await a.client.command('MAIL FROM:<a@b.example>');
      expect((await a.client.command('RCPT TO:<abuse@esp.example>')).code).toBe(250);
      expect((await a.client.command('RCPT TO:<fbl@esp.example>')).code).toBe(250);
      expect(await a.client.command('RCPT TO:<postmaster@esp.example>')).toMatchObject({
        code: 452,
        text: expect.stringMatching(/^4\.5\.3/),
      });
      const b = await openSession(svc.smtpAddress.port);
      const c = await openSession(svc.smtpAddress.port);
      expect(b.greeting.code).toBe(220);
      expect(c.greeting.code).toBe(421);
      c.client.close();
      await b.client.quit();
      await a.client.quit();
    } finally {
      await svc.stop();
    }
  });

  it('shuts down gracefully: refuses new sessions with 421, finishes the message in DATA', async () => {
    const svc = await startTestService(tmp.dir);
    const port = svc.smtpAddress.port;
    const { client } = await openSession(port);
    await client.command('MAIL FROM:<a@b.example>');
    await client.command('RCPT TO:<abuse@esp.example>');
    expect((await client.command('DATA')).code).toBe(354);
    client.write('Subject: in flight\r\n\r\nfirst half of the body\r\n');
    const stopping = svc.stop(5000);
    await waitFor(() => svc.lines.some((l) => l.event === 'service.stopping'), 2000, 'stopping');
    const late = await openSession(port).catch(() => null);
    // the listener may already be closed (connection refused) or answer 421; never 220
    if (late) {
      expect(late.greeting.code).toBe(421);
      late.client.close();
    }
    client.write('second half\r\n.\r\n');
    const reply = await client.reply();
    expect(reply.code).toBe(250);
    await stopping;
    client.close();
    expect(svc.lines.some((l) => l.event === 'service.stopped')).toBe(true);
  });
});
