import { z } from 'zod';
import rawRules from '../../../data/bounce-rules.json' with { type: 'json' };

/** What a bounce diagnostic says about the recipient address (PRODUCT.md, `bounce` row). */
export const BOUNCE_CATEGORIES = [
  'user-unknown',
  'mailbox-full',
  'domain-unknown',
  'disabled',
  'policy',
  'spam-block',
  'blocklisted',
  'rate-limit',
  'temporary',
  'other',
] as const;
export type BounceCategory = (typeof BOUNCE_CATEGORIES)[number];

/** Only these say the address itself is permanently undeliverable; everything else is soft. */
const HARD_CATEGORIES: ReadonlySet<BounceCategory> = new Set(['user-unknown', 'domain-unknown', 'disabled']);

const ruleSchema = z
  .object({
    pattern: z.string().min(1),
    flags: z.string().regex(/^[imsu]*$/, 'only the flags i, m, s, u are allowed').optional(),
    category: z.enum(BOUNCE_CATEGORIES),
    hard: z.boolean(),
    status: z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/, 'an RFC 3463 status such as 5.1.1').optional(),
    note: z.string().optional(),
  })
  .strict();

export interface BounceRule {
  /** Position in the data file, shown in reasons so staff can find the rule. */
  index: number;
  regex: RegExp;
  category: BounceCategory;
  hard: boolean;
  status: string | null;
}

/**
 * Validates and compiles a rule list. Throws one Error naming every bad rule by index, so a broken data
 * file fails at start-up with a message that says where to look.
 */
export function compileBounceRules(raw: unknown, source = 'data/bounce-rules.json'): BounceRule[] {
  if (!Array.isArray(raw)) throw new Error(`${source}: expected an array of rules`);
  const problems: string[] = [];
  const rules: BounceRule[] = [];
  raw.forEach((item: unknown, index) => {
    const parsed = ruleSchema.safeParse(item);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(rule)'}: ${issue.message}`);
      problems.push(`rule #${index}: ${detail.join('; ')}`);
      return;
    }
    const rule = parsed.data;
    if (rule.hard && !HARD_CATEGORIES.has(rule.category)) {
      problems.push(`rule #${index}: category "${rule.category}" cannot be hard (only ${[...HARD_CATEGORIES].join(', ')})`);
      return;
    }
    try {
      rules.push({ index, regex: new RegExp(rule.pattern, rule.flags ?? 'i'), category: rule.category, hard: rule.hard, status: rule.status ?? null });
    } catch (error) {
      problems.push(`rule #${index}: pattern is not a valid regular expression (${(error as Error).message})`);
    }
  });
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('\n')}`);
  return rules;
}

/** Compiled once at module load: classifyDiagnostic runs per recipient on the hot path. */
export const bounceRules: readonly BounceRule[] = compileBounceRules(rawRules);
