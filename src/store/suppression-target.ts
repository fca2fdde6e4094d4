/**
 * What one suppression row covers: one address, every address at one domain (stored as `@domain`), or every
 * address at a domain and all its subdomains (stored as `@*.domain`).
 */
export type SuppressionTarget =
  | { kind: 'address'; value: string }
  | { kind: 'domain'; value: string }
  | { kind: 'subdomains'; value: string };

/** A domain name: dot-separated LDH labels (RFC 5321 §4.1.2 `Domain`), at least two, ending in a non-numeric label. */
const DOMAIN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

export const SUPPRESSION_TARGET_RULE =
  'an email address (jane@example.net) or a whole domain (@example.net or *@example.net; @*.example.net or *@*.example.net for the domain and every subdomain); no other wildcards';

export class SuppressionTargetError extends Error {
  constructor(input: string) {
    super(`"${input}" is not ${SUPPRESSION_TARGET_RULE}`);
    this.name = 'SuppressionTargetError';
  }
}

/**
 * Reads what staff or the API asked to suppress: `@domain` and `*@domain` both mean the whole domain (stored
 * as `@domain`), `@*.domain` and `*@*.domain` the domain and every subdomain (stored as `@*.domain`), anything else must be one address (lower-cased). Throws SuppressionTargetError otherwise.
 */
export function parseSuppressionTarget(input: string): SuppressionTarget {
  const s = input.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (at < 0) throw new SuppressionTargetError(input);
  if ((local === '' || local === '*') && domain.startsWith('*.') && DOMAIN.test(domain.slice(2)))
    return { kind: 'subdomains', value: `@${domain}` };
  if (!DOMAIN.test(domain)) throw new SuppressionTargetError(input);
  if (local === '' || local === '*') return { kind: 'domain', value: `@${domain}` };
  if (/[\s@*]/.test(local) || local.length > 64) throw new SuppressionTargetError(input);
  return { kind: 'address', value: s };
}

/**
 * The stored form of an address or pattern, never throwing (the pipeline suppresses addresses read from
 * reports as they are): `*@domain` becomes `@domain`, everything is trimmed and lower-cased.
 */
export function storedSuppressionAddress(input: string): string {
  const s = input.trim().toLowerCase();
  return s.startsWith('*@') ? s.slice(1) : s;
}

/** The whole-domain row that covers an address: `@domain`, or null when it has no domain. */
export function domainPatternOf(address: string): string | null {
  const s = address.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  return at > 0 && at < s.length - 1 ? s.slice(at) : null;
}

/**
 * Every pattern row that covers an address, as stored: `@domain` for its own domain, and `@*.d` for its domain
 * and each parent d with at least two labels (a `@*.` row covers the domain itself and all below it).
 */
export function domainPatternsOf(address: string): string[] {
  const own = domainPatternOf(address);
  if (!own) return [];
  const out = [own];
  const labels = own.slice(1).split('.');
  for (let i = 0; i <= labels.length - 2; i++) out.push(`@*.${labels.slice(i).join('.')}`);
  return out;
}
