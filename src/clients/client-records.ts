import { z } from 'zod';

/** A client as imported (JSONL/CSV/API). */
export const clientInputSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'slug: lower-case letters, digits and dashes'),
  name: z.string().min(1),
  contactEmail: z.string().email().nullish(),
  language: z
    .string()
    .regex(/^[a-z]{2}$/, 'language: a two-letter code such as en')
    .default('en'),
  domains: z
    .array(
      z
        .string()
        .min(3)
        .transform((d) => d.toLowerCase()),
    )
    .default([]),
  webhookUrl: z.string().url().nullish(),
  webhookSecret: z.string().min(16).nullish(),
});
export type ClientInput = z.infer<typeof clientInputSchema>;

/** A campaign as imported (JSONL/CSV/API). */
export const campaignInputSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,126}$/, 'slug: lower-case letters, digits and dashes'),
  client: z.string().min(1),
  name: z.string().min(1).optional(),
  sent: z.coerce.number().int().min(0).default(0),
  delivered: z.coerce.number().int().min(0).default(0),
  /** Unique recipients who opened or clicked (feeds the reputation score's non-engagement factor); absent: unknown. */
  engaged: z.coerce.number().int().min(0).optional(),
  startedAt: z.string().datetime({ offset: true }).nullish(),
});
export type CampaignInput = z.infer<typeof campaignInputSchema>;
