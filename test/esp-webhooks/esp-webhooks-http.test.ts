import { createHmac, createSign, generateKeyPairSync, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snsStringToSign, type SnsMessage } from '../../src/esp-webhooks/sns-message.ts';
import { openApiDocument } from '../../src/web/api/openapi-document.ts';
import { getMessage } from '../../src/store/messages-store.ts';
import { reportForMessage } from '../../src/store/reports-store.ts';
import { startTestService, tempDataDir, waitFor, waitForIdle } from '../helpers/test-service.ts';

/** The JSON body of one of the ESP event fixtures (the part after the header block). */
const fixtureJson = (path: string): string =>
  readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n')
    .trim();

// A throwaway CA-less certificate for the SNS signing key: the test plays Amazon.
const certDir = mkdtempSync(join(tmpdir(), 'sns-cert-'));
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=sns.us-east-1.amazonaws.com',
    '-keyout',
    join(certDir, 'key.pem'),
    '-out',
    join(certDir, 'cert.pem'),
  ],
  { stdio: 'ignore' },
);
const snsKey = readFileSync(join(certDir, 'key.pem'), 'utf8');
const snsCert = readFileSync(join(certDir, 'cert.pem'), 'utf8');
const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ses-events';

const sendgrid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const sendgridPublic = sendgrid.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const MAILGUN_KEY = 'key-mailgun-signing-0123456789abcdef';

function snsSigned(
  fields: Omit<SnsMessage, 'Signature' | 'SignatureVersion' | 'SigningCertURL'>,
  version = '2',
): SnsMessage {
  const m: SnsMessage = { ...fields, SignatureVersion: version, SigningCertURL: CERT_URL, Signature: '' };
  m.Signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(snsStringToSign(m))
    .sign(snsKey, 'base64');
  return m;
}

describe('ESP event webhooks over HTTP (verified, stored before 2xx, processed like mail)', () => {
  let svc: Awaited<ReturnType<typeof startTestService>>;
  let tmp: ReturnType<typeof tempDataDir>;
  let base: string;
  const confirmed: string[] = [];
  const now = () => new Date();

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, {
      overrides: {
        espWebhooks: {
          amazonSes: { enabled: true, topicArns: [TOPIC] },
          sendgrid: { publicKey: sendgridPublic },
          mailgun: { signingKey: MAILGUN_KEY },
          postmark: { username: 'pm', password: 'pm-secret' },
          sparkpost: { username: 'sp', password: 'sp-secret' },
        },
      },
      espWebhookIo: {
        fetchCertificate: (url) =>
          url === CERT_URL ? Promise.resolve(snsCert) : Promise.reject(new Error('404')),
        confirmSubscription: (url) => {
          confirmed.push(url);
          return Promise.resolve();
        },
      },
    });
    base = `http://127.0.0.1:${svc.httpAddress.port}`;
  });
  afterAll(async () => {
    await svc.stop();
    tmp.cleanup();
    rmSync(certDir, { recursive: true, force: true });
  });

  const post = async (provider: string, body: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${base}/hooks/esp/${provider}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  const messageCount = () => (svc.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;

  /** The processed report of an accepted request. */
  const processed = async (queueId: unknown) => {
    const m = await waitFor(
      () => {
        const x = getMessage(svc.db, String(queueId));
        return x?.state === 'done' ? x : null;
      },
      10_000,
      `processing of ${String(queueId)}`,
    );
    expect(m.source).toBe('http');
    return { message: m, report: reportForMessage(svc.db, m.id)! };
  };

  it('SendGrid: a valid ECDSA signature is accepted, stored and becomes a trusted complaint', async () => {
    const body = fixtureJson('fbl/esp-sendgrid-complaint.eml');
    const timestamp = String(Math.floor(now().getTime() / 1000));
    const signature = sign('sha256', Buffer.from(timestamp + body), sendgrid.privateKey).toString('base64');
    const r = await post('sendgrid', body, {
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': timestamp,
    });
    expect(r.status).toBe(200);
    const { message, report } = await processed(r.json.queueId);
    expect(message.verifiedBy).toMatch(/SendGrid .*ECDSA/);
    expect(report).toMatchObject({ kind: 'fbl', trusted: true });
    expect(report.parsed.provider).toBe('sendgrid');
    expect(report.parsed.complainants).toEqual(['wes@example.com']);
    expect(message.stages.find((s) => s.stage === 'authenticate')).toMatchObject({ outcome: 'trusted' });

    // The ESP's retry of the same delivery is stored once.
    const again = await post('sendgrid', body, {
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': timestamp,
    });
    expect(again).toMatchObject({ status: 200, json: { queueId: r.json.queueId, duplicate: true } });
  });

  it('SendGrid: a missing, forged or stale signature is refused and nothing is stored', async () => {
    const body = fixtureJson('fbl/esp-sendgrid-complaint.eml').replace(
      'wes@example.com',
      'forged@example.com',
    );
    const before = messageCount();
    const ts = String(Math.floor(now().getTime() / 1000));
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const forged = sign('sha256', Buffer.from(ts + body), other.privateKey).toString('base64');
    const stale = String(Math.floor(now().getTime() / 1000) - 7200);
    const staleSig = sign('sha256', Buffer.from(stale + body), sendgrid.privateKey).toString('base64');
    expect((await post('sendgrid', body)).status).toBe(401);
    expect(
      (
        await post('sendgrid', body, {
          'x-twilio-email-event-webhook-signature': forged,
          'x-twilio-email-event-webhook-timestamp': ts,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await post('sendgrid', body, {
          'x-twilio-email-event-webhook-signature': staleSig,
          'x-twilio-email-event-webhook-timestamp': stale,
        })
      ).status,
    ).toBe(403);
    expect(messageCount()).toBe(before);
  });

  it('Mailgun: HMAC over timestamp + token is checked', async () => {
    const event = JSON.parse(fixtureJson('fbl/esp-mailgun-complaint.eml')) as Record<string, unknown>;
    const eventData = (event['event-data'] ?? event) as unknown;
    const timestamp = String(Math.floor(now().getTime() / 1000));
    const token = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5';
    const good = createHmac('sha256', MAILGUN_KEY)
      .update(timestamp + token)
      .digest('hex');
    const before = messageCount();
    const bad = await post(
      'mailgun',
      JSON.stringify({
        signature: { timestamp, token, signature: good.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) },
        'event-data': eventData,
      }),
    );
    expect(bad.status).toBe(403);
    expect((await post('mailgun', JSON.stringify({ 'event-data': eventData }))).status).toBe(401);
    expect(messageCount()).toBe(before);
    const ok = await post(
      'mailgun',
      JSON.stringify({ signature: { timestamp, token, signature: good }, 'event-data': eventData }),
    );
    expect(ok.status).toBe(200);
    const { report } = await processed(ok.json.queueId);
    expect(report).toMatchObject({ kind: 'fbl', trusted: true });
    expect(report.parsed.provider).toBe('mailgun');
  });

  it('Postmark and SparkPost: basic authentication; wrong or missing credentials change nothing', async () => {
    const before = messageCount();
    const pm = fixtureJson('bounce/esp-postmark-hard.eml');
    const sp = fixtureJson('fbl/esp-sparkpost-complaint.eml');
    const basic = (u: string, p: string) => ({
      authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
    });
    const missing = await post('postmark', pm);
    expect(missing.status).toBe(401);
    expect((await post('postmark', pm, basic('pm', 'wrong'))).status).toBe(403);
    expect((await post('sparkpost', sp, basic('pm', 'pm-secret'))).status).toBe(403);
    expect(messageCount()).toBe(before);

    const a = await post('postmark', pm, basic('pm', 'pm-secret'));
    const b = await post('sparkpost', sp, basic('sp', 'sp-secret'));
    expect([a.status, b.status]).toEqual([200, 200]);
    const bounce = (await processed(a.json.queueId)).report;
    expect(bounce).toMatchObject({ kind: 'bounce', trusted: true });
    expect(bounce.parsed.bounces[0]).toMatchObject({ hard: true });
    expect((await processed(b.json.queueId)).report).toMatchObject({ kind: 'fbl', trusted: true });
  });

  it('Amazon SES via SNS: the subscription is confirmed, a signed notification is processed, a bad one refused', async () => {
    const sub = snsSigned({
      Type: 'SubscriptionConfirmation',
      MessageId: 'c0ffee00-0000-4000-8000-000000000001',
      TopicArn: TOPIC,
      Message: 'You have chosen to subscribe to the topic.',
      Timestamp: now().toISOString(),
      Token: 'tok123',
      SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=tok123',
    });
    const before = messageCount();
    expect((await post('amazon-ses', JSON.stringify(sub))).json).toEqual({ confirmed: true });
    expect(confirmed).toEqual([sub.SubscribeURL]);
    expect(messageCount()).toBe(before);

    const note = snsSigned(
      {
        Type: 'Notification',
        MessageId: 'c0ffee00-0000-4000-8000-000000000002',
        TopicArn: TOPIC,
        Message: fixtureJson('fbl/esp-ses-complaint.eml'),
        Timestamp: now().toISOString(),
      },
      '1',
    );
    // Tampered message, a certificate from elsewhere, an unknown topic: refused, nothing stored.
    const tampered = { ...note, Message: note.Message.replace('lee@example.org', 'eve@example.org') };
    expect((await post('amazon-ses', JSON.stringify(tampered))).status).toBe(403);
    expect(
      (await post('amazon-ses', JSON.stringify({ ...note, SigningCertURL: 'https://evil.example/cert.pem' })))
        .status,
    ).toBe(403);
    const otherTopic = snsSigned({ ...note, TopicArn: 'arn:aws:sns:us-east-1:999999999999:other' });
    expect((await post('amazon-ses', JSON.stringify(otherTopic))).status).toBe(403);
    expect((await post('amazon-ses', '{"not":"sns"}')).status).toBe(400);
    expect(messageCount()).toBe(before);

    // SNS posts its JSON as text/plain.
    const r = await fetch(`${base}/hooks/esp/amazon-ses`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
      body: JSON.stringify(note),
    });
    expect(r.status).toBe(200);
    const { report } = await processed(((await r.json()) as { queueId: string }).queueId);
    expect(report).toMatchObject({ kind: 'fbl', trusted: true });
    expect(report.parsed.complainants).toEqual(['lee@example.org']);
    await waitForIdle(svc);
  });

  it('a provider that is not configured answers 404', async () => {
    const off = tempDataDir();
    const plain = await startTestService(off.dir);
    try {
      const r = await fetch(`http://127.0.0.1:${plain.httpAddress.port}/hooks/esp/sendgrid`, {
        method: 'POST',
        body: '[]',
      });
      expect(r.status).toBe(404);
    } finally {
      await plain.stop();
      off.cleanup();
    }
  });
});

describe('ESP webhook endpoints in the OpenAPI document', () => {
  it('lists each provider with its verification, no bearer token, and the stored/refused responses', () => {
    const doc = openApiDocument([], 'test') as { paths: Record<string, { post: Record<string, unknown> }> };
    for (const p of ['amazon-ses', 'sendgrid', 'mailgun', 'postmark', 'sparkpost']) {
      const op = doc.paths[`/hooks/esp/${p}`]!.post;
      expect(op.security).toEqual([]);
      expect(Object.keys(op.responses as object)).toEqual(['200', '400', '401', '403', '404', '503']);
    }
  });
});
