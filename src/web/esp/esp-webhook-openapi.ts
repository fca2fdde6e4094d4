import { espWebhookProviders } from '../../esp-webhooks/event-message.ts';

const VERIFY: Record<(typeof espWebhookProviders)[number], string> = {
  'amazon-ses':
    'Amazon SNS HTTPS delivery (Content-Type text/plain): the SNS message signature is verified against the signing certificate from sns.<region>.amazonaws.com; a SubscriptionConfirmation is confirmed.',
  sendgrid:
    'SendGrid Event Webhook batch (a JSON array): ECDSA signature in X-Twilio-Email-Event-Webhook-Signature over X-Twilio-Email-Event-Webhook-Timestamp + body.',
  mailgun:
    'Mailgun webhook ({ signature: { timestamp, token, signature }, "event-data" }): HMAC-SHA256 signature.',
  postmark: 'Postmark webhook (one JSON event): HTTP basic authentication.',
  sparkpost: 'SparkPost webhook batch (a JSON array of { msys }): HTTP basic authentication.',
};

const error = { $ref: '#/components/responses/Error' };

/** OpenAPI paths of the ESP event webhooks (each verified by its ESP's own signature, not a bearer token). */
export function espWebhookPaths(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    espWebhookProviders.map((p) => [
      `/hooks/esp/${p}`,
      {
        post: {
          summary: `Receive ${p} event webhooks: verified, stored durably, then processed as reports`,
          description: `${VERIFY[p]} 200 only after the event is stored; 404 when not configured.`,
          security: [],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: {} }, 'text/plain': { schema: { type: 'string' } } },
          },
          responses: {
            '200': {
              description: 'Stored (or already stored), or an SNS subscription confirmed',
              content: {
                'application/json': {
                  schema: {
                    oneOf: [
                      {
                        type: 'object',
                        required: ['queueId', 'duplicate'],
                        properties: { queueId: { type: 'string' }, duplicate: { type: 'boolean' } },
                      },
                      { type: 'object', required: ['confirmed'], properties: { confirmed: { const: true } } },
                    ],
                  },
                },
              },
            },
            '400': error,
            '401': error,
            '403': error,
            '404': error,
            '503': error,
          },
        },
      },
    ]),
  );
}
