import { organizationalDomain as organizational } from '../authenticate/organizational-domain.ts';
import { addressDomain } from '../mime/mail-address.ts';
import type { AuthSummary } from '../report/parsed-report.ts';

/** What authenticating the reporter's domain needs: the report's verified results and its envelope sender. */
export interface ReporterAuthInput {
  /** The reporter (one valid address), or null. */
  reporter: string | null;
  /** The report's DKIM/SPF/DMARC results (authenticate stage), or null when not authenticated. */
  auth: AuthSummary | null;
  /** RFC 5321 MAIL FROM of the report ('' for the null sender): the identity SPF checked (RFC 7208 §2.4). */
  mailFrom: string;
}

/**
 * How the reporter's own domain authenticated the report, or null when it did not: a passing DKIM signature
 * (RFC 6376) whose `d=` domain, or an SPF pass (RFC 7208) whose MAIL FROM domain, is in relaxed alignment
 * with the reporter's domain (RFC 7489 §3.1: the same organizational domain). These are the two ways a
 * DMARC pass can come about (RFC 7489 §4.2); they are checked here against the reporter's domain as parsed by
 * abusedesk, so a DMARC verdict about another reading of From can never vouch for the address written to.
 * A domain without a DMARC record authenticates the same way.
 */
export function reporterAuthentication(input: ReporterAuthInput): string | null {
  const { reporter, auth } = input;
  if (!reporter || !auth) return null;
  const domain = addressDomain(reporter);
  if (!domain) return null;
  const org = organizational(domain);
  const dkim = auth.dkim === 'pass' ? auth.dkimDomains.find((d) => organizational(d) === org) : undefined;
  if (dkim) return `DKIM signature of ${dkim} passes, aligned with ${domain}`;
  const envelopeDomain = addressDomain(input.mailFrom.trim().replace(/^<|>$/g, ''));
  if (auth.spf === 'pass' && envelopeDomain && organizational(envelopeDomain) === org)
    return `SPF passes for ${envelopeDomain}, aligned with ${domain}`;
  return null;
}
