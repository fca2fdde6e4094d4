import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Whether an `Authorization: Basic` header (RFC 7617) carries exactly these credentials. Postmark and
 * SparkPost authenticate their webhooks this way. Compared as digests so timing says nothing about the secret.
 */
export function basicAuthMatches(header: string | undefined, user: string, password: string): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'base64').toString('utf8');
  return timingSafeEqual(digest(given), digest(`${user}:${password}`));
}
