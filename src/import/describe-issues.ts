import type { z } from 'zod';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/**
 * A zod error as one line naming each field: `recipient: an email address; sentAt: required`.
 * `input` is what was validated: a field absent from it is reported as `required` whatever the schema's message.
 */
export function describeIssues(error: z.ZodError, input: unknown): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys')
        return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => (field ? `${field}.${k}` : k)).join(', ')}`;
      if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) return `${field}: required`;
      return `${field || '(row)'}: ${issue.message}`;
    })
    .join('; ');
}
