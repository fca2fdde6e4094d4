import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** A template file that cannot be used, named by file and key. */
export class TemplateFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'TemplateFileError';
  }
}

/**
 * Reads one JSON template file and validates it with `schema`. A file that cannot be read or parsed, or does
 * not fit, throws a `Refusal` listing its problems (one per schema issue, with the path), so a broken
 * template stops the start rather than a send.
 */
export function readTemplateFile<T>(
  file: string,
  schema: z.ZodType<T>,
  Refusal: new (file: string, problems: string[]) => TemplateFileError = TemplateFileError,
): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Refusal(file, [(e as Error).message]);
  }
  const r = schema.safeParse(json);
  if (!r.success)
    throw new Refusal(
      file,
      r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  return r.data;
}
