import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listMessages } from '../../src/store/messages-store.ts';
import { simpleMessage, startTestService, tempDataDir } from '../helpers/test-service.ts';

let hasOpenssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  hasOpenssl = false;
}

describe.skipIf(!hasOpenssl)('STARTTLS (skipped: no openssl binary to make a test certificate)', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  it('is offered when a key and certificate are configured, and the stored envelope records the TLS session', async () => {
    const key = join(tmp.dir, 'key.pem');
    const cert = join(tmp.dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
    const svc = await startTestService(tmp.dir, {
      overrides: { smtp: { tlsKeyFile: key, tlsCertFile: cert } },
    });
    try {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: svc.smtpAddress.port,
        secure: false,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
      });
      const info = (await transport.sendMail({
        envelope: { from: 'a@b.example', to: ['abuse@esp.example'] },
        raw: simpleMessage('over tls'),
      })) as { response: string };
      expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as/);
      const [m] = listMessages(svc.db);
      expect(m!.tls).toMatchObject({ protocol: expect.stringMatching(/^TLSv1\.[23]$/) });
    } finally {
      await svc.stop();
    }
  });
});
