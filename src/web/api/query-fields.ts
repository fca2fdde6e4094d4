import { z } from 'zod';

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
