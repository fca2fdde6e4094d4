import { getDomain } from 'tldts';

/**
 * The organizational (registered) domain of a name by the Public Suffix List (RFC 7489 §3.2), lower-cased;
 * the name itself when it has none.
 */
export function organizationalDomain(domain: string): string {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return getDomain(d, { allowPrivateDomains: true }) ?? d;
}

/** Relaxed alignment (DMARC, RFC 7489 §3.1): both names share one organizational domain. */
export function domainsAligned(a: string, b: string): boolean {
  return organizationalDomain(a) === organizationalDomain(b);
}
