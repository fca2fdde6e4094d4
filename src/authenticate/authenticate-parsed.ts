import type { HeaderMap } from '../mime/header-map.ts';
import type { AuthSummary, ParsedReport } from '../report/parsed-report.ts';
import type { DkimSignatureDetail, SmtpEnvelope } from './auth-result.ts';
import { authenticateReport } from './authenticate-report.ts';
import type { DnsResolver } from './dns-resolver.ts';
import { loadProviderRegistry, type ProviderRegistry } from './provider-registry.ts';

/** What authenticating one report needs (the parse options carry these fields). */
export interface ReportAuthOptions {
  envelope?: SmtpEnvelope | null;
  /** Injected DNS (never the network in tests); without one, auth results are `unchecked`. */
  resolver?: DnsResolver;
  providers?: ProviderRegistry;
  /** Time budget for authentication (DNS included); default 5000 ms. */
  authTimeoutMs?: number;
  now?: () => Date;
}

export interface ParsedAuth {
  /** Null when authentication itself failed (the note says why). */
  summary: AuthSummary | null;
  provider: string | null;
  note: string | null;
  /**
   * When no DKIM signature passed, what became of each one (`d=`, `s=`, result and mailauth's comment, e.g.
   * `arf.mail.yahoo.com s=arf: fail, bad signature`), so staff can tell a forged report from a broken key.
   */
  signatures?: string | null;
}

/**
 * Authenticates the report itself through the authenticate stage. Without a resolver nothing touches the
 * network and the `note` says what could not be checked. `headers` is the message's top-level header block when
 * the headers stage has read it already. Never throws.
 */
export async function authenticateParsed(
  raw: Buffer,
  options: ReportAuthOptions,
  headers?: HeaderMap,
): Promise<ParsedAuth> {
  const env = options.envelope;
  try {
    const result = await authenticateReport(raw, {
      envelope: env ? { mailFrom: env.mailFrom, clientIp: env.clientIp, helo: env.helo } : null,
      resolver: options.resolver ?? null,
      providers: options.providers ?? loadProviderRegistry(),
      now: options.now?.(),
      ...(options.authTimeoutMs ? { timeoutMs: options.authTimeoutMs } : {}),
      ...(headers ? { headers } : {}),
    });
    const { dkim, dkimDomains, spf, dmarc, trusted } = result;
    return {
      summary: { dkim, dkimDomains, spf, dmarc, trusted },
      provider: result.provider,
      note: result.note,
      signatures: dkim === 'pass' ? null : describeSignatures(result.details),
    };
  } catch (e) {
    return { summary: null, provider: null, note: `authentication failed: ${(e as Error).message}` };
  }
}

function describeSignatures(details: readonly DkimSignatureDetail[]): string | null {
  if (details.length === 0) return null;
  return details
    .map((d) => {
      const selector = d.selector ? ` s=${d.selector}` : '';
      return `${d.domain}${selector}: ${d.result}${d.comment ? `, ${d.comment}` : ''}`;
    })
    .join('; ');
}

/** The report with its authentication results: the summary, the provider a passing signature proves, the note. */
export function withAuth(report: ParsedReport, auth: ParsedAuth): ParsedReport {
  const out = { ...report };
  if (auth.summary) out.auth = auth.summary;
  if (auth.provider) out.provider = auth.provider;
  if (auth.note) out.authNote = auth.note;
  return out;
}
