import { authenticateReport } from '../authenticate/authenticate-report.ts';
import { loadProviderRegistry } from '../authenticate/provider-registry.ts';
import type { ParseOptions } from './parse-options.ts';
import type { AuthSummary } from './parsed-report.ts';

export interface ParsedAuth {
  summary: AuthSummary;
  provider: string | null;
  note: string | null;
}

/**
 * Authenticates the report itself (issue 3 §4) through the authenticate stage. Without a resolver
 * nothing touches the network and the stage's `note` says what could not be checked.
 */
export async function authenticateParsed(raw: Buffer, options: ParseOptions): Promise<ParsedAuth> {
  const env = options.envelope;
  const result = await authenticateReport(raw, {
    envelope: env ? { mailFrom: env.mailFrom, clientIp: env.clientIp, helo: env.helo } : null,
    resolver: options.resolver ?? null,
    providers: options.providers ?? loadProviderRegistry(),
    now: options.now?.(),
    ...(options.authTimeoutMs ? { timeoutMs: options.authTimeoutMs } : {}),
  });
  const { dkim, dkimDomains, spf, dmarc, trusted } = result;
  return { summary: { dkim, dkimDomains, spf, dmarc, trusted }, provider: result.provider, note: result.note };
}
