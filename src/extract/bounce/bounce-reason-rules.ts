import { z } from 'zod';
import rawRules from '../../../data/bounce-reasons.json' with { type: 'json' };
import { BOUNCE_REASONS, type BounceReason } from '../../report/bounce-reason.ts';

/** "5.7.1" (one class), "7.1" (subject.detail, either class) or "7" (subject); RFC 3463 §3. */
const STATUS_KEY = /^(?:[245]\.)?[0-7](?:\.\d{1,3})?$/;

const textRuleSchema = z
  .object({
    reason: z.enum(BOUNCE_REASONS),
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'only the flags i, m, s, u are allowed')
      .optional(),
    status: z
      .string()
      .regex(/^[245]\.\d{1,3}\.\d{1,3}$/, 'an RFC 3463 status such as 5.1.1')
      .optional(),
    note: z.string().optional(),
  })
  .strict();

const statusRuleSchema = z
  .object({
    statusSays: z.array(z.enum(BOUNCE_REASONS)).min(1),
    note: z.string().optional(),
  })
  .strict();

const fileSchema = z
  .object({
    status: z.record(
      z
        .string()
        .regex(
          STATUS_KEY,
          'a status "class.subject.detail" (5.7.1), "subject.detail" (7.1) or "subject" (7)',
        ),
      z.enum(BOUNCE_REASONS),
    ),
    rules: z.array(z.unknown()),
  })
  .strict();

/** A diagnostic-text rule: its regex decides when it matches. */
export interface TextReasonRule {
  kind: 'text';
  /** Position in the data file, shown in reasons so staff can find the rule. */
  index: number;
  regex: RegExp;
  reason: BounceReason;
  /** The status this text implies when the bounce states none (e.g. "5.1.1" for user unknown). */
  status: string | null;
  note: string | null;
}

/** A checkpoint in the rule order: here the status decides if the status table gives one of these reasons. */
export interface StatusReasonRule {
  kind: 'status';
  index: number;
  reasons: ReadonlySet<BounceReason>;
  note: string | null;
}

export type BounceReasonRule = TextReasonRule | StatusReasonRule;

export interface BounceReasonTable {
  /** RFC 3463 status → reason, by "class.subject.detail", "subject.detail" or "subject" (most specific first). */
  status: ReadonlyMap<string, BounceReason>;
  /** Text rules and status checkpoints, tried in order: the first that applies decides. */
  rules: readonly BounceReasonRule[];
}

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(rule)'}: ${issue.message}`).join('; ');
}

function compileRule(item: unknown, index: number): BounceReasonRule | string {
  if (typeof item === 'object' && item !== null && 'statusSays' in item) {
    const parsed = statusRuleSchema.safeParse(item);
    if (!parsed.success) return `rules[${index}]: ${issues(parsed.error)}`;
    return {
      kind: 'status',
      index,
      reasons: new Set(parsed.data.statusSays),
      note: parsed.data.note ?? null,
    };
  }
  const parsed = textRuleSchema.safeParse(item);
  if (!parsed.success) return `rules[${index}]: ${issues(parsed.error)}`;
  const rule = parsed.data;
  try {
    return {
      kind: 'text',
      index,
      regex: new RegExp(rule.pattern, rule.flags ?? 'i'),
      reason: rule.reason,
      status: rule.status ?? null,
      note: rule.note ?? null,
    };
  } catch (error) {
    return `rules[${index}]: pattern is not a valid regular expression (${(error as Error).message})`;
  }
}

/**
 * Validates and compiles the reason table. Throws one Error naming every bad entry, so a broken data file
 * fails at start-up with a message that says where to look.
 */
export function compileBounceReasons(raw: unknown, source = 'data/bounce-reasons.json'): BounceReasonTable {
  const file = fileSchema.safeParse(raw);
  if (!file.success) {
    throw new Error(
      `${source}: ${file.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; ')}`,
    );
  }
  const problems: string[] = [];
  const rules: BounceReasonRule[] = [];
  file.data.rules.forEach((item: unknown, index) => {
    const compiled = compileRule(item, index);
    if (typeof compiled === 'string') problems.push(compiled);
    else rules.push(compiled);
  });
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('\n')}`);
  return { status: new Map(Object.entries(file.data.status)), rules };
}

/** Compiled once at module load: classifyDiagnostic runs per recipient on the hot path. */
export const bounceReasons: BounceReasonTable = compileBounceReasons(rawRules);
