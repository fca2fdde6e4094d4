import { z } from 'zod';
import rawRules from '../../data/autoreply-rules.json' with { type: 'json' };

/** What kind of automatic mail a rule recognises; `hint` rules only support another sign. */
export const AUTOREPLY_KINDS = [
  'rfc3834',
  'vacation',
  'challenge-response',
  'acknowledgement',
  'hint',
] as const;
export type AutoreplyKind = (typeof AUTOREPLY_KINDS)[number];

const ruleSchema = z
  .object({
    on: z.enum(['header', 'subject', 'body']),
    header: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'a lower-case header name')
      .optional(),
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'only the flags i, m, s, u are allowed')
      .optional(),
    strength: z.enum(['strong', 'weak']),
    kind: z.enum(AUTOREPLY_KINDS),
    marker: z.string().min(1),
  })
  .strict()
  .refine((rule) => (rule.on === 'header') === (rule.header !== undefined), {
    message: '"header" is required exactly when on is "header"',
  });

export interface AutoreplyRule {
  index: number;
  on: 'header' | 'subject' | 'body';
  header: string | null;
  regex: RegExp;
  /** A strong rule decides alone; weak ones need a second sign (see detectAutoreply). */
  strong: boolean;
  kind: AutoreplyKind;
  marker: string;
}

/** Validates and compiles autoreply rules; one Error lists every bad rule by index. */
export function compileAutoreplyRules(raw: unknown, source = 'data/autoreply-rules.json'): AutoreplyRule[] {
  if (!Array.isArray(raw)) throw new Error(`${source}: expected an array of rules`);
  const problems: string[] = [];
  const rules: AutoreplyRule[] = [];
  raw.forEach((item: unknown, index) => {
    const parsed = ruleSchema.safeParse(item);
    if (!parsed.success) {
      problems.push(
        `rule #${index}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(rule)'}: ${issue.message}`).join('; ')}`,
      );
      return;
    }
    const rule = parsed.data;
    try {
      const regex = new RegExp(rule.pattern, rule.flags ?? 'i');
      rules.push({
        index,
        on: rule.on,
        header: rule.header ?? null,
        regex,
        strong: rule.strength === 'strong',
        kind: rule.kind,
        marker: rule.marker,
      });
    } catch (error) {
      problems.push(
        `rule #${index}: pattern is not a valid regular expression (${(error as Error).message})`,
      );
    }
  });
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('\n')}`);
  return rules;
}

/** Compiled once at module load. */
export const autoreplyRules: readonly AutoreplyRule[] = compileAutoreplyRules(rawRules);
