import { z } from 'zod';
import { normalizeAddress, normalizeMessageId } from '../store/normalize-send-key.ts';
import { consentMethods } from '../store/vocabulary.ts';

export { consentMethods, type ConsentMethod } from '../store/vocabulary.ts';
export { normalizeAddress, normalizeMessageId } from '../store/normalize-send-key.ts';

// zod's date-time check also rejects calendar dates that do not exist (2026-02-30).
const isoTime = z.iso.datetime({
  offset: true,
  message: 'an ISO 8601 date-time with a time zone, e.g. 2026-11-02T08:00:00Z',
});

/** One send as imported (JSONL/CSV/API): one message to one recipient. */
export const sendInputSchema = z.strictObject({
  messageId: z
    .string()
    .transform(normalizeMessageId)
    .pipe(
      z
        .string()
        .regex(/^[^\s<>]+@[^\s<>]+$/, 'a Message-ID such as <id@host> (RFC 5322 §3.6.4)')
        .max(998),
    ),
  recipient: z
    .string()
    .transform(normalizeAddress)
    .pipe(
      z
        .string()
        .regex(/^[^\s@]+@[^\s@]+$/, 'an email address')
        .max(254),
    ),
  client: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a client slug: lower-case letters, digits and dashes'),
  campaign: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,126}$/, 'a campaign slug: lower-case letters, digits and dashes')
    .nullish(),
  sentAt: isoTime,
  /** The mail stream (e.g. marketing, transactional): a complaint about one stream suppresses that stream only. */
  stream: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'a stream name: letters, digits, dots, dashes and underscores')
    .nullish(),
  consent: z
    .strictObject({
      method: z.enum(consentMethods, { message: `one of ${consentMethods.join(', ')}` }),
      date: isoTime.nullish(),
      ip: z.union([z.ipv4(), z.ipv6()], { message: 'an IPv4 or IPv6 address' }).nullish(),
      source: z.string().max(1000).nullish(),
    })
    .nullish(),
});
export type SendInput = z.infer<typeof sendInputSchema>;
