import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fillTemplate } from '../acknowledge/ack-template.ts';
import { LANGUAGES, type Language } from '../acknowledge/detect-language.ts';
import { readTemplateFile, TemplateFileError } from '../acknowledge/read-template-file.ts';
import { projectPath } from '../runtime/project-root.ts';
import { clientStatuses, type ClientStatus } from '../store/vocabulary.ts';

/** Placeholders staff answer templates may use (data/templates/reply/<lang>.json). */
export const REPLY_PLACEHOLDERS = [
  'ticketId',
  'reportSubject',
  'reporter',
  'client',
  'clientName',
  'campaign',
  'reportCount',
  'senderName',
] as const;

/** Placeholders client status notices may use (data/templates/client-notice/<lang>.json). */
export const NOTICE_PLACEHOLDERS = [
  'ticketId',
  'client',
  'clientName',
  'from',
  'to',
  'reason',
  'senderName',
] as const;

const placeholders = (s: string): string[] => [...s.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!);

function mailTemplate(allowed: readonly string[]) {
  const known = (s: string): boolean => placeholders(s).every((p) => allowed.includes(p));
  const message = `uses a placeholder other than ${allowed.map((p) => `{{${p}}}`).join(', ')}`;
  return z.strictObject({
    /** RFC 5322 Subject: carries the ticket id in brackets, so an answer threads back into the ticket. */
    subject: z
      .string()
      .min(1)
      .regex(/^[^\r\n]*$/, 'must be one line (it goes into a header)')
      .refine((s) => s.includes('[{{ticketId}}]'), 'must contain "[{{ticketId}}]"')
      .refine(known, { message }),
    text: z.string().min(1).refine(known, { message }),
  });
}

const replySchema = z.strictObject({
  /** To the person who reported (never to a feedback loop). */
  reporter: mailTemplate(REPLY_PLACEHOLDERS),
  /** To the client's abuse contact. */
  client: mailTemplate(REPLY_PLACEHOLDERS),
});
const noticeSchema = z.strictObject(
  Object.fromEntries(clientStatuses.map((s) => [s, mailTemplate(NOTICE_PLACEHOLDERS)])) as Record<
    ClientStatus,
    ReturnType<typeof mailTemplate>
  >,
);

export type MailTemplate = z.infer<ReturnType<typeof mailTemplate>>;
export type ReplyTemplates = z.infer<typeof replySchema>;
export type NoticeTemplates = Record<ClientStatus, MailTemplate>;

export const DEFAULT_REPLY_TEMPLATE_DIR = projectPath('data', 'templates', 'reply');
export const DEFAULT_NOTICE_TEMPLATE_DIR = projectPath('data', 'templates', 'client-notice');

/** An answer or notice template file that cannot be used, named by file and key. */
export class AnswerTemplateError extends TemplateFileError {
  override name = 'AnswerTemplateError';
}

const loadFile = <T>(file: string, schema: z.ZodType<T>): T =>
  readTemplateFile(file, schema, AnswerTemplateError);

/** Every language present in `dir` (`<lang>.json`); English must be there, the others fall back to it. */
function loadAll<T>(dir: string, schema: z.ZodType<T>): Record<Language, T> {
  const en = loadFile(join(dir, 'en.json'), schema);
  return Object.fromEntries(
    LANGUAGES.map((lang) => {
      const file = join(dir, `${lang}.json`);
      return [lang, lang === 'en' || !existsSync(file) ? en : loadFile(file, schema)];
    }),
  ) as Record<Language, T>;
}

export const loadReplyTemplates = (dir = DEFAULT_REPLY_TEMPLATE_DIR): Record<Language, ReplyTemplates> =>
  loadAll(dir, replySchema);

export const loadNoticeTemplates = (dir = DEFAULT_NOTICE_TEMPLATE_DIR): Record<Language, NoticeTemplates> =>
  loadAll(dir, noticeSchema);

/** One of our template languages (English for anything else). */
export const templateLanguage = (lang: string | null | undefined): Language =>
  (LANGUAGES as readonly string[]).includes(lang ?? '') ? (lang as Language) : 'en';

/** A template's subject and text with the values filled in (one pass: a value's own "{{…}}" stays as is). */
export function fillMailTemplate(
  t: MailTemplate,
  values: Record<string, string>,
): { subject: string; text: string } {
  return { subject: fillTemplate(t.subject, values), text: fillTemplate(t.text, values) };
}
