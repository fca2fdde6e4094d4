import { z } from 'zod';
import { isMailAddress } from '../mime/mail-address.ts';

/**
 * One mail in the outbox (kind `mail`): everything needed to build the RFC 5322 message later, stored as
 * the row's JSON payload. Values are final — composing adds only Date and MIME structure — so a retry
 * or a restart sends the same message.
 */
const oneLine = z.string().regex(/^[^\r\n]*$/, 'must be one line (no CR/LF: header injection)');
// The one address rule (mail-address.ts): whatever parsing accepted as a reporter, the outbox accepts.
const address = z.string().refine(isMailAddress, 'not one valid mail address (RFC 5322 §3.4.1, RFC 6531)');

export const outgoingMailSchema = z.strictObject({
  from: z.strictObject({ name: oneLine, address }),
  /** Exactly one recipient, never parsed from a free-form string (a crafted value must not add recipients). */
  to: z.strictObject({ name: oneLine, address }),
  subject: oneLine,
  text: z.string(),
  /** RFC 5322 §3.6.4 msg-id, angle brackets included. */
  messageId: z.string().regex(/^<[^<>\s]+@[^<>\s]+>$/, 'a Message-ID is <left@right>'),
  inReplyTo: z
    .string()
    .regex(/^<[^<>\s]+>$/)
    .nullable(),
  references: z.array(z.string().regex(/^<[^<>\s]+>$/)),
  /** Extra header fields (Auto-Submitted, Content-Language, …), one line each. */
  headers: z.record(
    z.string().regex(/^[!-9;-~]+$/, 'a header name is printable ASCII without colon (RFC 5322 §2.2)'),
    oneLine,
  ),
  /** RFC 5321 reverse-path; '' is the null reverse-path `<>`. */
  envelopeFrom: z.union([z.literal(''), address]),
});

export type OutgoingMail = z.infer<typeof outgoingMailSchema>;
export type MailAddress = OutgoingMail['from'];
