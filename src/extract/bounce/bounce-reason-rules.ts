import { z } from 'zod';
import rawRules from '../../../data/bounce-reasons.json' with { type: 'json' };
import { BOUNCE_REASONS, type BounceReason } from './bounce-reason.ts';

const STATUS_KEY = /^[1-7](?:\.\d{1,3})?$/;

const ruleSchema = z
  .object({
    reason: z.enum(BOUNCE_REASONS),
    pattern: z.string().min(1),
    flags: z.string().regex(/^[imsu]*$/, 'only the flags i, m, s, u are allowed').optional(),
    status: z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/, 'an RFC 3463 status such as 5.1.1').optional(),
    note: z.string().optional(),
  })
  .strict();

const fileSchema = z
  .object({
    status: z.record(z.string().regex(STATUS_KEY, 'a status "subject.detail" such as "1.1", or a subject such as "7"'), z.enum(BOUNCE_REASONS)),
    rules: z.array(z.unknown()),
  })
  .strict();

export interface BounceReasonRule {
  /** Position in the data file, shown in reasons so staff can find the rule. */
  index: number;
  regex: RegExp;
  reason: BounceReason;
  /** The status this text implies when the bounce states none (e.g. "5.1.1" for user unknown). */
  status: string | null;
  note: string | null;
}

export interface BounceReasonTable {
  /** RFC 3463 "subject.detail" (e.g. "1.1") or "subject" (e.g. "7") → reason; the class digit does not matter. */
  status: ReadonlyMap<string, BounceReason>;
  /** Diagnostic-text rules, tried in order: the first match decides. */
  rules: readonly BounceReasonRule[];
}

/**
 * Validates and compiles the reason table. Throws one Error naming every bad entry, so a broken data file
 * fails at start-up with a message that says where to look.
 */
export function compileBounceReasons(raw: unknown, source = 'data/bounce-reasons.json'): BounceReasonTable {
  const file = fileSchema.safeParse(raw);
  if (!file.success) {
    throw new Error(`${source}: ${file.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; ')}`);
  }
  const problems: string[] = [];
  const rules: BounceReasonRule[] = [];
  file.data.rules.forEach((item: unknown, index) => {
    const parsed = ruleSchema.safeParse(item);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(rule)'}: ${issue.message}`);
      problems.push(`rules[${index}]: ${detail.join('; ')}`);
      return;
    }
    const rule = parsed.data;
    try {
      rules.push({ index, regex: new RegExp(rule.pattern, rule.flags ?? 'i'), reason: rule.reason, status: rule.status ?? null, note: rule.note ?? null });
    } catch (error) {
      problems.push(`rules[${index}]: pattern is not a valid regular expression (${(error as Error).message})`);
    }
  });
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('\n')}`);
  return { status: new Map(Object.entries(file.data.status)), rules };
}

/** Compiled once at module load: classifyDiagnostic runs per recipient on the hot path. */
export const bounceReasons: BounceReasonTable = compileBounceReasons(rawRules);
