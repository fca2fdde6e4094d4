import type { Database } from 'better-sqlite3';
import type { DeliveryContext, MailTransport } from '../../src/outbox/mail-transport.ts';
import type { OutgoingMail } from '../../src/outbox/outgoing-mail.ts';

export const sampleMail = (n = 1): OutgoingMail => ({
  from: { name: 'ESP Abuse Desk', address: 'abuse@esp.example' },
  to: { name: '', address: `reporter${n}@example.net` },
  subject: `[AD-7KQ2MX] Re: Spring sale ${n}`,
  text: `Thank you for your report ${n}.\n`,
  messageId: `<ack.AD-7KQ2MX.${n}@esp.example>`,
  inReplyTo: '<report@example.net>',
  references: ['<report@example.net>'],
  headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', 'Content-Language': 'en' },
  envelopeFrom: '',
});

/** A transport that records what it was given and fails the first `failures` calls. */
export function recordingTransport(
  failures = 0,
  error: () => Error = () => new Error('connect ECONNREFUSED 127.0.0.1:587'),
): MailTransport & { sent: Array<{ mail: OutgoingMail; ctx: DeliveryContext }>; calls: number } {
  const t = {
    name: 'memory',
    sent: [] as Array<{ mail: OutgoingMail; ctx: DeliveryContext }>,
    calls: 0,
    send(mail: OutgoingMail, ctx: DeliveryContext): Promise<string> {
      t.calls++;
      if (t.calls <= failures) return Promise.reject(error());
      t.sent.push({ mail, ctx });
      return Promise.resolve(`stored ${mail.messageId}`);
    },
  };
  return t;
}

export const outboxRow = (db: Database, id: number) =>
  db
    .prepare(
      'SELECT id, state, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError, sent_at AS sentAt, ticket_id AS ticketId, report_id AS reportId FROM outbox WHERE id = ?',
    )
    .get(id) as Record<string, unknown>;
