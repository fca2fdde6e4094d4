import { z } from 'zod';
import { consentMethods } from '../sends/send-records.ts';

/**
 * The client's answers about consent that a reinstatement records: how old the list is, where
 * people sign up, how consent was obtained, and the proof kept for it.
 */
export const consentAnswersSchema = z.strictObject({
  listAgeMonths: z.number().int().min(0).max(1200).describe('Age of the list in months (oldest addresses).'),
  signupUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .describe('Where recipients sign up; null when there is no signup page (trade show, offline).'),
  method: z.enum(consentMethods).describe('How consent was obtained.'),
  proof: z
    .strictObject({
      at: z.iso
        .datetime({ offset: true })
        .nullable()
        .default(null)
        .describe('When the sample consent was given.'),
      ip: z
        .union([z.ipv4(), z.ipv6()])
        .nullable()
        .default(null)
        .describe('IP address the consent came from.'),
      source: z
        .string()
        .trim()
        .max(500)
        .nullable()
        .default(null)
        .describe('Form, event or record the consent came from.'),
    })
    .describe('Proof of consent kept for a sample recipient (date/time, IP, source).'),
});

export type ConsentAnswers = z.infer<typeof consentAnswersSchema>;

/** Why these answers cannot justify a reinstatement under policy, or null when they can. */
export function refusedConsent(c: ConsentAnswers, refusedMethods: readonly string[]): string | null {
  if (refusedMethods.includes(c.method))
    return `consent method "${c.method}" never justifies a reinstatement (policy enforcement.refusedConsentMethods)`;
  return null;
}

/** One line for timelines and tables. */
export function describeConsent(c: ConsentAnswers): string {
  const proof = [
    c.proof.at && `at ${c.proof.at}`,
    c.proof.ip && `from ${c.proof.ip}`,
    c.proof.source && `via ${c.proof.source}`,
  ]
    .filter(Boolean)
    .join(' ');
  return `${c.method}, list ${c.listAgeMonths} month(s) old, signup ${c.signupUrl ?? 'none'}, proof ${proof || 'none given'}`;
}
