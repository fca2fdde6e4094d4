import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config-schema.ts';
import { basicAuthMatches } from '../../esp-webhooks/basic-auth.ts';
import { eventMessage, type EspWebhookProvider } from '../../esp-webhooks/event-message.ts';
import { readMailgunSignature, verifyMailgunSignature } from '../../esp-webhooks/mailgun-signature.ts';
import { sendgridPublicKey, verifySendgridSignature } from '../../esp-webhooks/sendgrid-signature.ts';
import { readSnsMessage, snsUrlProblem, verifySnsSignature } from '../../esp-webhooks/sns-message.ts';
import { logEvent, type Logger } from '../../log/logger.ts';
import { noSmtpEnvelope, type MessageStore } from '../../store/messages-store.ts';

export interface EspWebhookOptions {
  config: Config['espWebhooks'];
  /** The durable intake store: a 2xx is sent only after it committed the event. */
  store: MessageStore;
  now: () => Date;
  logger?: Logger | undefined;
  /** Fetches an SNS signing certificate (PEM); default: HTTPS GET. Tests inject a certificate they made. */
  fetchCertificate?: ((url: string) => Promise<string>) | undefined;
  /** Visits an SNS SubscribeURL to confirm the subscription; default: HTTPS GET. */
  confirmSubscription?: ((url: string) => Promise<void>) | undefined;
}

type Verdict = { ok: true; verifiedBy: string } | { ok: false; status: 401 | 403 | 400; error: string };

const CODES = {
  400: 'invalid_input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  503: 'unavailable',
};

/** The API's error shape: `{ error: { code, message } }`. */
const errorBody = (status: keyof typeof CODES, message: string) => ({
  error: { code: CODES[status], message },
});

const httpsGet = async (url: string): Promise<string> => {
  const r = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return r.text();
};

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

/**
 * ESP event webhooks over HTTP at POST /hooks/esp/<provider>: each request is verified the way its ESP signs
 * it, stored durably as a message (source `http`, with what was verified) and only then answered 200, so an
 * event is never acknowledged and lost. The pipeline then reads it like the same event delivered by mail; the
 * verified signature is what makes it trusted. A provider that is not configured answers 404.
 */
export function espWebhookPlugin(
  app: FastifyInstance,
  o: EspWebhookOptions,
  done: (err?: Error) => void,
): void {
  const c = o.config;
  const certificates = new Map<string, Promise<string>>();
  const fetchCertificate = o.fetchCertificate ?? httpsGet;
  const confirm = o.confirmSubscription ?? (async (url: string) => void (await httpsGet(url)));
  const snsHosts = new RegExp(c.amazonSes.certHostPattern);
  const sendgridKey = c.sendgrid.publicKey ? sendgridPublicKey(c.sendgrid.publicKey) : null;

  // Signatures cover the exact bytes: every body is kept raw (SNS posts its JSON as text/plain).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: c.maxBodyBytes }, (_req, body, next) =>
    next(null, body),
  );

  const fresh = (seconds: number): boolean =>
    Number.isFinite(seconds) && Math.abs(o.now().getTime() / 1000 - seconds) <= c.maxAgeSeconds;

  const refuse = (reply: FastifyReply, provider: string, v: Extract<Verdict, { ok: false }>) => {
    if (o.logger)
      logEvent(o.logger, 'warn', 'esp_webhook.refused', { provider, status: v.status, reason: v.error });
    if (v.status === 401) void reply.header('www-authenticate', 'Basic realm="abusedesk ESP webhooks"');
    return reply.code(v.status).send(errorBody(v.status, v.error));
  };

  const accept = async (
    reply: FastifyReply,
    provider: EspWebhookProvider,
    body: Buffer,
    verifiedBy: string,
  ) => {
    const receivedAt = o.now();
    const stored = await o.store.store({
      raw: eventMessage(provider, body),
      ...noSmtpEnvelope(),
      receivedAt,
      source: 'http',
      verifiedBy,
    });
    if (o.logger)
      logEvent(o.logger, 'info', 'esp_webhook.stored', {
        provider,
        queueId: stored.queueId,
        duplicate: stored.duplicate,
      });
    return reply.code(200).send({ queueId: stored.queueId, duplicate: stored.duplicate });
  };

  const route = (
    provider: EspWebhookProvider,
    enabled: boolean,
    verify: (req: FastifyRequest, body: Buffer, json: unknown) => Verdict | Promise<Verdict | 'handled'>,
  ) =>
    app.post(`/hooks/esp/${provider}`, async (req, reply) => {
      if (!enabled)
        return reply.code(404).send(errorBody(404, `${provider} event webhooks are not configured`));
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const json = parseJson(body);
      if (json === undefined) return reply.code(400).send(errorBody(400, 'the body is not JSON'));
      const v = await verify(req, body, json);
      if (v === 'handled') return reply.code(200).send({ confirmed: true });
      if (!v.ok) return refuse(reply, provider, v);
      try {
        return await accept(reply, provider, body, v.verifiedBy);
      } catch (e) {
        // Not stored: a 5xx makes the ESP retry later, nothing is lost.
        if (o.logger)
          logEvent(o.logger, 'error', 'esp_webhook.store_failed', { provider, err: (e as Error).message });
        return reply.code(503).send(errorBody(503, 'not stored, retry later'));
      }
    });

  route('amazon-ses', c.amazonSes.enabled, async (_req, _body, json) => {
    const m = readSnsMessage(json);
    if (!m) return { ok: false, status: 400, error: 'not an Amazon SNS message' };
    const urlProblem = snsUrlProblem(m.SigningCertURL, snsHosts, 'SigningCertURL');
    if (urlProblem) return { ok: false, status: 403, error: urlProblem };
    if (c.amazonSes.topicArns.length > 0 && !c.amazonSes.topicArns.includes(m.TopicArn))
      return {
        ok: false,
        status: 403,
        error: `topic ${m.TopicArn} is not accepted (espWebhooks.amazonSes.topicArns)`,
      };
    let pem: string;
    try {
      let p = certificates.get(m.SigningCertURL);
      if (!p) {
        p = fetchCertificate(m.SigningCertURL);
        certificates.set(m.SigningCertURL, p);
        p.catch(() => certificates.delete(m.SigningCertURL));
      }
      pem = await p;
    } catch (e) {
      return { ok: false, status: 403, error: `signing certificate unavailable: ${(e as Error).message}` };
    }
    if (!verifySnsSignature(m, pem))
      return { ok: false, status: 403, error: 'SNS signature does not verify' };
    if (m.Type === 'Notification')
      return {
        ok: true,
        verifiedBy: `Amazon SNS signature (v${m.SignatureVersion}) verified, topic ${m.TopicArn}`,
      };
    if (m.Type === 'SubscriptionConfirmation' && c.amazonSes.confirmSubscriptions) {
      const bad = snsUrlProblem(m.SubscribeURL!, snsHosts, 'SubscribeURL');
      if (bad) return { ok: false, status: 403, error: bad };
      await confirm(m.SubscribeURL!);
      if (o.logger)
        logEvent(o.logger, 'info', 'esp_webhook.subscribed', { provider: 'amazon-ses', topic: m.TopicArn });
    }
    return 'handled';
  });

  route('sendgrid', sendgridKey !== null, (req, body) => {
    const signature = req.headers['x-twilio-email-event-webhook-signature'];
    const timestamp = req.headers['x-twilio-email-event-webhook-timestamp'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string')
      return { ok: false, status: 401, error: 'missing X-Twilio-Email-Event-Webhook-Signature/-Timestamp' };
    if (!fresh(Number(timestamp)))
      return { ok: false, status: 403, error: 'timestamp outside espWebhooks.maxAgeSeconds' };
    if (!verifySendgridSignature(sendgridKey!, { timestamp, signature, body }))
      return { ok: false, status: 403, error: 'SendGrid signature does not verify' };
    return { ok: true, verifiedBy: 'SendGrid Event Webhook ECDSA signature verified' };
  });

  route('mailgun', c.mailgun.signingKey !== null, (_req, _body, json) => {
    const s = readMailgunSignature(json);
    if (!s) return { ok: false, status: 401, error: 'missing signature {timestamp, token, signature}' };
    if (!fresh(Number(s.timestamp)))
      return { ok: false, status: 403, error: 'timestamp outside espWebhooks.maxAgeSeconds' };
    if (!verifyMailgunSignature(c.mailgun.signingKey!, s))
      return { ok: false, status: 403, error: 'Mailgun signature does not verify' };
    return { ok: true, verifiedBy: 'Mailgun webhook HMAC-SHA256 signature verified' };
  });

  for (const provider of ['postmark', 'sparkpost'] as const) {
    const { username, password } = c[provider];
    route(provider, username !== null && password !== null, (req) => {
      if (!req.headers.authorization)
        return { ok: false, status: 401, error: 'basic authentication required' };
      if (!basicAuthMatches(req.headers.authorization, username!, password!))
        return { ok: false, status: 403, error: 'wrong credentials' };
      return {
        ok: true,
        verifiedBy: `${provider === 'postmark' ? 'Postmark' : 'SparkPost'} webhook basic authentication verified`,
      };
    });
  }
  done();
}
