import { join } from 'node:path';
import { z } from 'zod';
import { LANGUAGES, type Language } from './detect-language.ts';
import { readTemplateFile, TemplateFileError } from './read-template-file.ts';
import { projectPath } from '../runtime/project-root.ts';

/** Placeholders a template may use; anything else in `{{…}}` is a typo and refused at load. */
export const ACK_PLACEHOLDERS = ['ticketId', 'reportSubject', 'suppressionSentence', 'senderName'] as const;

const placeholders = (s: string): string[] => [...s.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!);
const known = (s: string): boolean =>
  placeholders(s).every((p) => (ACK_PLACEHOLDERS as readonly string[]).includes(p));
const knownMessage = {
  message: `uses a placeholder other than ${ACK_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
};
const oneLine = z
  .string()
  .min(1)
  .regex(/^[^\r\n]*$/, 'must be one line (it goes into a header)');

/** One language's acknowledgement (`data/templates/ack/<lang>.json`). */
export const ackTemplateSchema = z.strictObject({
  /** RFC 5322 Subject; must carry the ticket id in brackets (replies thread by it). */
  subject: oneLine
    .refine((s) => s.includes('[{{ticketId}}]'), 'must contain "[{{ticketId}}]"')
    .refine(known, knownMessage),
  /** Stands in for {{reportSubject}} when the report had no subject. */
  defaultSubject: oneLine.refine((s) => placeholders(s).length === 0, 'takes no placeholders'),
  text: z
    .string()
    .min(1)
    .refine((s) => s.includes('{{ticketId}}'), 'must mention {{ticketId}}')
    .refine((s) => s.includes('{{suppressionSentence}}'), 'must contain {{suppressionSentence}}')
    .refine(known, knownMessage),
  /** {{suppressionSentence}} when the recipient was removed from the sender's list… */
  suppressed: z
    .string()
    .min(1)
    .refine((s) => placeholders(s).length === 0, 'takes no placeholders'),
  /** …and when we could not trace it. */
  notSuppressed: z
    .string()
    .min(1)
    .refine((s) => placeholders(s).length === 0, 'takes no placeholders'),
});

export type AckTemplate = z.infer<typeof ackTemplateSchema>;

export const DEFAULT_ACK_TEMPLATE_DIR = projectPath('data', 'templates', 'ack');

/** An acknowledgement template that cannot be used, named by file and key. */
export class AckTemplateError extends TemplateFileError {
  override name = 'AckTemplateError';
}

/** Reads and validates one template file. */
export function loadAckTemplate(file: string): AckTemplate {
  return readTemplateFile(file, ackTemplateSchema, AckTemplateError);
}

/** Every language's template from `dir`; all must be present and valid (checked at start, not at send). */
export function loadAckTemplates(dir: string = DEFAULT_ACK_TEMPLATE_DIR): Record<Language, AckTemplate> {
  return Object.fromEntries(
    LANGUAGES.map((lang) => [lang, loadAckTemplate(join(dir, `${lang}.json`))]),
  ) as Record<Language, AckTemplate>;
}

/** Replaces `{{name}}` with values[name] in one pass (a value containing "{{…}}" is not expanded again). */
export function fillTemplate(s: string, values: Record<string, string>): string {
  return s.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
