import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailTransport } from '../../src/outbox/create-mail-transport.ts';
import { testConfig } from '../helpers/test-service.ts';
import { sampleMail } from './outbox-helpers.ts';

interface Received {
  mailFrom: string | false;
  rcptTo: string[];
  user: string | undefined;
  raw: Buffer;
}

describe('smtp transport', () => {
  let server: SMTPServer | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  const relay = async (reject = false): Promise<{ port: number; received: Received[] }> => {
    const received: Received[] = [];
    server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth: (auth, _s, cb) =>
        auth.username === 'relay' && auth.password === 's3cret'
          ? cb(null, { user: auth.username })
          : cb(new Error('bad credentials')),
      onRcptTo: (_a, _s, cb) =>
        reject ? cb(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 })) : cb(),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            mailFrom: session.envelope.mailFrom && session.envelope.mailFrom.address,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            raw: Buffer.concat(chunks),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { port: (server.server.address() as AddressInfo).port, received };
  };

  const transportFor = (port: number) =>
    createMailTransport(
      testConfig('/tmp/unused', {
        outbox: {
          transport: 'smtp',
          smtpHost: '127.0.0.1',
          smtpPort: port,
          smtpUser: 'relay',
          smtpPassword: 's3cret',
        },
      }),
    );

  it('hands the mail to the relay with AUTH, the null reverse-path and exactly one recipient', async () => {
    const { port, received } = await relay();
    const t = transportFor(port);
    const detail = await t.send(sampleMail(1), {
      id: 1,
      createdAt: new Date(),
      now: new Date('2026-11-23T10:00:00Z'),
    });
    t.close?.();
    expect(detail).toMatch(/^127\.0\.0\.1:\d+ 250/);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ mailFrom: '', rcptTo: ['reporter1@example.net'], user: 'relay' });
    const parsed = await simpleParser(received[0]!.raw);
    expect(parsed.subject).toBe('[AD-7KQ2MX] Re: Spring sale 1');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
  });

  it('a 5xx from the relay rejects with its responseCode (the sender fails it at once)', async () => {
    const { port } = await relay(true);
    const t = transportFor(port);
    await expect(
      t.send(sampleMail(1), { id: 1, createdAt: new Date(), now: new Date() }),
    ).rejects.toMatchObject({ responseCode: 550 });
    t.close?.();
  });
});
