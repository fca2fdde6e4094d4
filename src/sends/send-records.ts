import { z } from 'zod';

/** How the recipient's address was obtained: asked for at reinstatement and shown on tickets. */
export const consentMethods = ['confirmed-opt-in', 'single-opt-in', 'implicit', 'trade-show', 'affiliate', 'rented', 'bought', 'harvested', 'other'] as const;
export type ConsentMethod = (typeof consentMethods)[number];

/**
 * A Message-ID as stored and looked up: without the angle brackets of RFC 5322 §3.6.4 and lower-cased,
 * because reports quote the original's Message-ID through MTAs and clients that do not preserve either.
 */
export const normalizeMessageId = (id: string): string => id.trim().replace(/^<+/, '').replace(/>+$/, '').trim().toLowerCase();

export const normalizeAddress = (a: string): string => a.trim().toLowerCase();

// zod's date-time check also rejects calendar dates that do not exist (2026-02-30).
const isoTime = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with a time zone, e.g. 2026-11-02T08:00:00Z' });

/** One send as imported (JSONL/CSV/API): one message to one recipient. */
export const sendInputSchema = z.strictObject({
  messageId: z
    .string()
    .transform(normalizeMessageId)
    .pipe(z.string().regex(/^[^\s<>]+@[^\s<>]+$/, 'a Message-ID such as <id@host> (RFC 5322 §3.6.4)').max(998)),
  recipient: z
    .string()
    .transform(normalizeAddress)
    .pipe(z.string().regex(/^[^\s@]+@[^\s@]+$/, 'an email address').max(254)),
  client: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a client slug: lower-case letters, digits and dashes'),
  campaign: z.string().regex(/^[a-z0-9][a-z0-9-]{0,126}$/, 'a campaign slug: lower-case letters, digits and dashes').nullish(),
  sentAt: isoTime,
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
