import { createHash } from 'node:crypto';

/** The ESPs whose event webhooks abusedesk takes over HTTP; each name is its endpoint `/hooks/esp/<name>`. */
export const espWebhookProviders = ['amazon-ses', 'sendgrid', 'mailgun', 'postmark', 'sparkpost'] as const;
export type EspWebhookProvider = (typeof espWebhookProviders)[number];

const LABEL: Record<EspWebhookProvider, string> = {
  'amazon-ses': 'Amazon SES (SNS)',
  sendgrid: 'SendGrid Event Webhook',
  mailgun: 'Mailgun webhook',
  postmark: 'Postmark webhook',
  sparkpost: 'SparkPost webhook',
};

/**
 * A webhook request as a message, so it takes the same durable path and the same pipeline as an event that
 * arrives by mail: the JSON body, byte for byte, as the text body (the classify stage reads ESP event JSON there). The
 * domain `.invalid` (RFC 2606) makes sure no acknowledgement is ever addressed to it. The Message-ID is the
 * body's digest: an ESP's retry of the same delivery is stored once.
 */
export function eventMessage(provider: EspWebhookProvider, body: Buffer): Buffer {
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 32);
  const head = [
    `From: ${LABEL[provider]} <${provider}@esp-webhooks.invalid>`,
    'To: abusedesk',
    `Subject: ${LABEL[provider]} event`,
    `Message-ID: <${digest}.${provider}@esp-webhooks.invalid>`,
    'MIME-Version: 1.0',
    // text/plain as SES's own e-mail notifications are; base64 keeps a one-line JSON batch within the
    // 998-octet line limit of RFC 5322 §2.1.1.
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  const lines = body.toString('base64').match(/.{1,76}/g) ?? [];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${lines.join('\r\n')}\r\n`, 'utf8');
}
