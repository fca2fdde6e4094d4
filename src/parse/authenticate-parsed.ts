import { authenticateReport } from '../authenticate/authenticate-report.ts';
import { loadProviderRegistry } from '../authenticate/provider-registry.ts';
import type { ParseOptions } from './parse-options.ts';
import type { AuthSummary, ParsedReport } from './parsed-report.ts';

export interface ParsedAuth {
  /** Null when authentication itself failed (the note says why). */
  summary: AuthSummary | null;
  provider: string | null;
  note: string | null;
}

/**
 * Authenticates the report itself through the authenticate stage. Without a resolver nothing touches the
 * network and the `note` says what could not be checked. Never throws.
 */
export async function authenticateParsed(raw: Buffer, options: ParseOptions): Promise<ParsedAuth> {
  const env = options.envelope;
  try {
    const result = await authenticateReport(raw, {
      envelope: env ? { mailFrom: env.mailFrom, clientIp: env.clientIp, helo: env.helo } : null,
      resolver: options.resolver ?? null,
      providers: options.providers ?? loadProviderRegistry(),
      now: options.now?.(),
      ...(options.authTimeoutMs ? { timeoutMs: options.authTimeoutMs } : {}),
    });
    const { dkim, dkimDomains, spf, dmarc, trusted } = result;
    return { summary: { dkim, dkimDomains, spf, dmarc, trusted }, provider: result.provider, note: result.note };
  } catch (e) {
    return { summary: null, provider: null, note: `authentication failed: ${(e as Error).message}` };
  }
}

/** The report with its authentication results: the summary, the provider a passing signature proves, the note. */
export function withAuth(report: ParsedReport, auth: ParsedAuth): ParsedReport {
  const out = { ...report };
  if (auth.summary) out.auth = auth.summary;
  if (auth.provider) out.provider = auth.provider;
  if (auth.note) out.authNote = auth.note;
  return out;
}
