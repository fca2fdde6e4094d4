import type { HeaderMap } from '../mime/header-map.ts';
import type { AuthSummary } from '../report/parsed-report.ts';
import type { DnsResolver } from './dns-resolver.ts';
import type { ProviderRegistry } from './provider-registry.ts';

/**
 * Result words. `dkim`, `spf`, `dmarc` and `arc` use the RFC 8601 §2.7 result names as mailauth returns
 * them (`pass`, `fail`, `softfail`, `neutral`, `none`, `policy`, `temperror`, `permerror`), plus one of
 * our own:
 * - `unchecked` — the check did not run at all: no DNS resolver was given (offline `abusedesk parse`).
 * `spf` is `none` when no SMTP envelope was stored (SPF, RFC 7208 §2.4, checks the envelope, which a
 * file does not carry) and `note` says so. On a DNS timeout the unfinished checks are `temperror`.
 */
export const UNCHECKED = 'unchecked';
export const TEMPERROR = 'temperror';

/** The SMTP facts stored at intake: MAIL FROM (may be empty for the null sender), client IP, HELO. */
export interface SmtpEnvelope {
  mailFrom: string;
  clientIp: string;
  helo: string;
}

export interface AuthenticateOptions {
  envelope?: SmtpEnvelope | null;
  /** Without one, nothing touches the network and every result is `unchecked`. */
  resolver?: DnsResolver | null;
  providers: ProviderRegistry;
  /** The clock for DKIM `t=`/`x=` checks (RFC 6376 §3.5). */
  now?: Date;
  /** Budget for all DNS work on the message; default 5000 ms. */
  timeoutMs?: number;
  /** The message's top-level header block when already read (the headers stage's); else it is read here. */
  headers?: HeaderMap;
}

/** One DKIM-Signature header field (RFC 6376) and what became of it. */
export interface DkimSignatureDetail {
  domain: string;
  selector: string | null;
  result: string;
  comment: string | null;
}

export interface AuthResult extends AuthSummary {
  arc: string;
  /** The provider whose DKIM domain passed (and whose From matched when it requires that), else null. */
  provider: string | null;
  /** The provider named by From/User-Agent/DKIM `d=` patterns alone: forgeable, for display only. */
  providerByPattern: string | null;
  /** Why `trusted` is what it is, for staff. */
  trustReason: string;
  /** What was not checked and why (offline, no envelope, timeout, malformed input), else null. */
  note: string | null;
  details: DkimSignatureDetail[];
}
