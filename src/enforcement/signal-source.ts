import { isIP } from 'node:net';
import { domainsAligned, organizationalDomain } from '../authenticate/organizational-domain.ts';
import {
  bareAddress,
  fromMatchesProvider,
  providerForDkimDomain,
  type ProviderRegistry,
} from '../authenticate/provider-registry.ts';
import type { AuthSummary, ReportKind } from '../report/parsed-report.ts';
import { ipNetwork } from '../runtime/ip-network.ts';

/**
 * Who sent a report and whether that can be believed: the facts enforcement needs to decide whether the
 * signals of a DSN, a human forward or any other mail that is not a feedback-loop report may move a client.
 * Anyone can write a DSN naming a blocklist and attach a client's original (every recipient holds one), so
 * such mail counts only when it is authenticated for the domain that claims to have sent it, or when
 * independent sources (distinct domains and networks) report the same thing (see record-signals).
 */

/** The rules that let a non-FBL signal count on the strength of the message alone. */
export type AuthenticatedRule = 'dkim-aligned' | 'spf-aligned' | 'provider-registry';

export interface SignalSource {
  /** The rule the message's own authentication satisfies, or null (then only corroboration can count it). */
  rule: AuthenticatedRule | null;
  /** One sentence for staff: which identity passed and for which domain, or why none does. */
  reason: string;
  /** The organizational domain of the claimed sender (the report's From), for corroboration; null when unknown. */
  domain: string | null;
  /** The /24 (IPv4) or /48 (IPv6) the message came from over SMTP, for corroboration; null when unknown. */
  network: string | null;
}

export interface SourceInput {
  kind: ReportKind;
  /** The report's top-level From header. */
  from: string | null;
  auth: AuthSummary | null;
  /** SMTP envelope: MAIL FROM ('' for the null sender), HELO and the client IP; null for imported mail. */
  envelope: { mailFrom: string; helo: string | null; clientIp: string | null } | null;
  registry: ProviderRegistry;
}

/** Local parts a mail system (not a person) sends delivery reports from. */
const SYSTEM_SENDER =
  /^(mailer-daemon|mail-daemon|maildaemon|postmaster|mailer|mail\.?delivery\.?(subsystem|system)?)$/i;

function domainOfAddress(address: string | null): string | null {
  if (!address) return null;
  const bare = bareAddress(address);
  const at = bare.lastIndexOf('@');
  const domain = at < 0 ? '' : bare.slice(at + 1).replace(/\.$/, '');
  return domain === '' ? null : domain.toLowerCase();
}

/** The network an IP address belongs to for counting independent sources: its /24 (IPv4) or /48 (IPv6). */
export function sourceNetwork(ip: string | null | undefined): string | null {
  return ipNetwork(ip, 48);
}

/**
 * Whether the report is authenticated for the domain that claims to have sent it (pure). A passing DKIM
 * signature or SPF pass aligned with the From domain, or a passing DKIM signature of a provider in
 * data/providers.json, ties the report to that domain; a mailbox provider's own users are not the provider, so
 * a consumer domain (requireFromMatch) vouches only for its mail system's addresses. A delivery report must
 * come from a mail system: sent with the null MAIL FROM or From MAILER-DAEMON/postmaster — anyone with an
 * account at a provider can otherwise send a signed "DSN" from it.
 */
export function judgeSource(input: SourceInput): SignalSource {
  const claimed = domainOfAddress(input.from);
  const domain = claimed ? organizationalDomain(claimed) : null;
  const network = sourceNetwork(input.envelope?.clientIp);
  const base = { domain, network };
  const local = bareAddress(input.from ?? '').split('@')[0] ?? '';
  const systemFrom = SYSTEM_SENDER.test(local);
  const nullSender = input.envelope !== null && input.envelope.mailFrom.trim().replace(/^<|>$/g, '') === '';
  const auth = input.auth;
  if (!auth) return { ...base, rule: null, reason: 'unauthenticated: the message was not authenticated' };
  if (input.kind === 'bounce' && !systemFrom && !nullSender)
    return {
      ...base,
      rule: null,
      reason: `unauthenticated: a delivery report must come from a mail system (null MAIL FROM or From MAILER-DAEMON/postmaster), not from ${input.from ?? 'an unnamed sender'}`,
    };
  const dkimPassing = auth.dkim === 'pass' ? auth.dkimDomains : [];
  if (claimed) {
    const aligned = dkimPassing.find((d) => domainsAligned(d, claimed));
    if (aligned)
      return {
        ...base,
        rule: 'dkim-aligned',
        reason: `DKIM d=${aligned} passes, aligned with the sender's domain ${claimed}`,
      };
    if (auth.spf === 'pass' && input.envelope) {
      const sender = input.envelope.mailFrom.trim().replace(/^<|>$/g, '');
      // RFC 7208 §2.4: with the null sender SPF checks the HELO identity.
      const spfDomain = sender === '' ? (input.envelope.helo ?? '').toLowerCase() : domainOfAddress(sender);
      if (spfDomain && isIP(spfDomain) === 0 && domainsAligned(spfDomain, claimed))
        return {
          ...base,
          rule: 'spf-aligned',
          reason: `SPF passes for ${sender === '' ? 'HELO' : 'MAIL FROM'} ${spfDomain}, aligned with the sender's domain ${claimed}`,
        };
    }
  }
  for (const d of dkimPassing) {
    const provider = providerForDkimDomain(input.registry, d);
    if (!provider) continue;
    if (
      provider.requireFromMatch &&
      !systemFrom &&
      !(input.from && fromMatchesProvider(provider, input.from))
    )
      continue;
    return {
      ...base,
      rule: 'provider-registry',
      reason: `DKIM d=${d} passes for ${provider.name}, a provider in the registry`,
    };
  }
  const passed =
    dkimPassing.length > 0 ? `DKIM passes only for ${dkimPassing.join(', ')}` : `DKIM ${auth.dkim}`;
  return {
    ...base,
    rule: null,
    reason: `unauthenticated: ${passed}, SPF ${auth.spf}; nothing aligned with the sender's domain ${claimed ?? '(none)'} or a registered provider`,
  };
}
