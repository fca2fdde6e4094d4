import { timingSafeEqual } from 'node:crypto';
import { UiError } from './ui-error.ts';

/** Constant-time comparison of the submitted token with the expected one; 403 on any mismatch. */
export function checkCsrf(submitted: string, expected: string | undefined): void {
  const a = Buffer.from(submitted);
  const b = Buffer.from(expected ?? '');
  if (!b.length || a.length !== b.length || !timingSafeEqual(a, b))
    throw new UiError(
      403,
      'The form expired or did not come from this site (CSRF check failed). Reload the page and try again.',
    );
}
