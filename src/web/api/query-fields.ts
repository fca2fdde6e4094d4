import { z } from 'zod';
import { parseSuppressionTarget, SUPPRESSION_TARGET_RULE } from '../../store/suppression-target.ts';

/** Shared query-string fields (strings on the wire). */
export const limitField = (max = 200, fallback = 50) =>
  z.coerce.number().int().min(1).max(max).default(fallback);
export const cursorField = z.string().max(500).optional();
export const booleanField = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
export const slugField = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,126}$/, 'a slug: lower-case letters, digits and dashes');
export const isoDateField = z
  .string()
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)),
    'an ISO 8601 date or date-time',
  );
export const emailField = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'an email address')
  .transform((a) => a.toLowerCase());

/** One address to check: no wildcard (a whole-domain row covers it; `@domain` patterns are for suppressing). */
export const checkAddressField = emailField.refine(
  (a) => !a.includes('*'),
  'one email address, without wildcards (a *@domain suppression covers every address at that domain)',
);

/** What to suppress or un-suppress: an address, or a whole domain as @domain or *@domain (stored as @domain). */
export const suppressionTargetField = z
  .string()
  .trim()
  .max(254)
  .transform((v, ctx) => {
    try {
      return parseSuppressionTarget(v).value;
    } catch {
      ctx.addIssue({ code: 'custom', message: SUPPRESSION_TARGET_RULE });
      return z.NEVER;
    }
  });
