import { isIP } from 'node:net';
import { arc, dkimVerify, dmarc, spf } from 'mailauth';
import type { ARCResult, DKIMResult, DKIMVerifyResult, DNSResolver } from 'mailauth';
import { TEMPERROR, UNCHECKED } from './auth-result.ts';
import type { AuthResult, AuthenticateOptions, DkimSignatureDetail, SmtpEnvelope } from './auth-result.ts';
import { createDeadline } from './create-deadline.ts';
import type { DnsResolver } from './dns-resolver.ts';
import { decideTrust } from './decide-trust.ts';
import { providerFromPatterns } from './provider-registry.ts';
import { readReportHeaders } from './read-report-headers.ts';
import type { ReportHeaders } from './read-report-headers.ts';

const DEFAULT_TIMEOUT_MS = 5000;
/** After the DNS deadline, checks finish on their own within milliseconds; this is the hard stop. */
const HARD_STOP_GRACE_MS = 100;
const OFFLINE_NOTE = 'offline: no DNS resolver, authentication not checked';
const NO_ENVELOPE_NOTE =
  'SPF not checked: no SMTP envelope (MAIL FROM, client IP, HELO) was stored for this message';

// Most telling first when no signature passed (RFC 8601 §2.7.1 result names).
const DKIM_FAILURE_ORDER = ['fail', 'temperror', 'permerror', 'policy', 'neutral'];

interface Context {
  headers: ReportHeaders;
  providerByPattern: string | null;
}

/**
 * Step 2 of the pipeline: DKIM (RFC 6376), SPF (RFC 7208), ARC (RFC 8617) and DMARC (RFC 7489) of
 * the report itself, and whether it is a trusted feedback-loop report. Protocol failures are values;
 * this never throws and never outlives `timeoutMs` (plus a short grace).
 */
export async function authenticateReport(raw: Buffer, options: AuthenticateOptions): Promise<AuthResult> {
  const input = Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : '');
  const context = readContext(input, options);

  if (!options.resolver) {
    return emptyResult(context, UNCHECKED, UNCHECKED, 'no authentication checked (offline)', OFFLINE_NOTE);
  }

  const timeoutMs =
    Number.isFinite(options.timeoutMs) && (options.timeoutMs ?? 0) > 0
      ? (options.timeoutMs as number)
      : DEFAULT_TIMEOUT_MS;
  const timeoutNote = `DNS lookups did not finish within ${timeoutMs} ms; unfinished checks are temperror`;
  const deadline = createDeadline(timeoutMs);
  try {
    const result = await Promise.race([
      runChecks(input, options, context, deadline.wrap(options.resolver)),
      deadline.after(HARD_STOP_GRACE_MS, () =>
        options.envelope
          ? emptyResult(context, TEMPERROR, TEMPERROR, 'authentication timed out', timeoutNote)
          : emptyResult(
              context,
              TEMPERROR,
              'none',
              'authentication timed out',
              `${NO_ENVELOPE_NOTE}; ${timeoutNote}`,
            ),
      ),
    ]);
    const cutShort = deadline.cutOff > 0 && result.note?.includes(timeoutNote) !== true;
    return cutShort ? { ...result, note: joinNotes(result.note, timeoutNote) } : result;
  } catch (err) {
    const note = `authentication failed on malformed input: ${err instanceof Error ? err.message : String(err)}`;
    return emptyResult(context, 'permerror', 'permerror', 'authentication failed', note);
  } finally {
    deadline.clear();
  }
}

function readContext(input: Buffer, options: AuthenticateOptions): Context {
  try {
    const headers = readReportHeaders(input, options.headers);
    const providerByPattern = providerFromPatterns(options.providers, {
      from: headers.from,
      userAgent: headers.userAgent,
      dkimDomains: headers.claimedDkimDomains,
    });
    return { headers, providerByPattern };
  } catch {
    return { headers: { from: null, userAgent: null, claimedDkimDomains: [] }, providerByPattern: null };
  }
}

function emptyResult(
  context: Context,
  value: string,
  spfValue: string,
  trustReason: string,
  note: string,
): AuthResult {
  return {
    dkim: value,
    dkimDomains: [],
    spf: spfValue,
    dmarc: value,
    arc: value,
    trusted: false,
    provider: null,
    providerByPattern: context.providerByPattern,
    trustReason,
    note,
    details: [],
  };
}

function joinNotes(...notes: (string | null)[]): string | null {
  const kept = notes.filter((note): note is string => note !== null && note !== '');
  return kept.length > 0 ? kept.join('; ') : null;
}

async function runChecks(
  input: Buffer,
  options: AuthenticateOptions,
  context: Context,
  dns: DnsResolver,
): Promise<AuthResult> {
  // mailauth's published type for the resolver omits MX answers; the runtime contract is the same.
  const resolver = dns as unknown as DNSResolver;
  const notes: (string | null)[] = [];

  const spfCheck = checkSpf(options.envelope ?? null, resolver);
  const dkimResult = await dkimVerify(input, { resolver, curTime: options.now ?? new Date() });
  const spfOutcome = await spfCheck;
  notes.push(spfOutcome.note);

  const signatures = (dkimResult.results ?? []).filter(
    (row) => typeof row.signingDomain === 'string' && row.signingDomain !== '',
  );
  const details = signatures.map(describeSignature);
  const passing = signatures.filter((_row, index) => details[index]?.result === 'pass');
  const dkimDomains = [...new Set(passing.map((row) => row.signingDomain.toLowerCase()))];
  // A signature with l= that leaves body bytes unsigned can carry appended parts (RFC 6376 §8.2).
  const trustDomains = [
    ...new Set(passing.filter((row) => !row.status.underSized).map((row) => row.signingDomain.toLowerCase())),
  ];

  const arcResult = await checkArc(dkimResult, resolver);
  const dmarcValue = await checkDmarc(dkimResult, passing, spfOutcome.passDomain, arcResult, resolver);

  const headerFrom = dkimResult.headerFrom ?? [];
  const decision = decideTrust(options.providers, {
    passingDomains: trustDomains,
    // DKIM covers the From field (RFC 6376 §6.1.1); ambiguous multi-author From proves nothing.
    from: headerFrom.length === 1 ? (headerFrom[0] ?? null) : null,
    providerByPattern: context.providerByPattern,
  });

  return {
    dkim: aggregateDkim(details),
    dkimDomains,
    spf: spfOutcome.result,
    dmarc: dmarcValue,
    arc: arcResult?.status.result ?? 'none',
    trusted: decision.trusted,
    provider: decision.provider,
    providerByPattern: context.providerByPattern,
    trustReason: decision.reason,
    note: joinNotes(...notes),
    details,
  };
}

function signedHeaderNames(row: DKIMResult): string[] {
  const keys = (row as DKIMResult & { signingHeaders?: { keys?: unknown } }).signingHeaders?.keys;
  const list = Array.isArray(keys) ? keys.map(String) : typeof keys === 'string' ? keys.split(':') : [];
  return list.map((key) => key.trim().toLowerCase());
}

function describeSignature(row: DKIMResult): DkimSignatureDetail {
  let result: string = row.status.result;
  let comment = typeof row.status.comment === 'string' ? row.status.comment : null;
  if (result === 'neutral' && comment === 'body hash did not verify') {
    // RFC 6376 §6.1.3: a body hash mismatch is PERMFAIL — the signature does not verify.
    result = 'fail';
  } else if (result === 'pass' && !signedHeaderNames(row).includes('from')) {
    // RFC 6376 §6.1.1: a signature whose h= omits From MUST be ignored (PERMFAIL).
    result = 'permerror';
    comment = 'From header field not signed';
  } else if (result === 'pass' && row.status.underSized) {
    comment = joinNotes(
      comment,
      `l= leaves ${row.status.underSized} body bytes unsigned; not used for trust`,
    );
  }
  return { domain: row.signingDomain.toLowerCase(), selector: row.selector ?? null, result, comment };
}

function aggregateDkim(details: readonly DkimSignatureDetail[]): string {
  if (details.length === 0) return 'none';
  if (details.some((detail) => detail.result === 'pass')) return 'pass';
  return (
    DKIM_FAILURE_ORDER.find((word) => details.some((detail) => detail.result === word)) ??
    details[0]?.result ??
    'none'
  );
}

interface SpfOutcome {
  result: string;
  passDomain: string | null;
  note: string | null;
}

async function checkSpf(envelope: SmtpEnvelope | null, resolver: DNSResolver): Promise<SpfOutcome> {
  if (!envelope) return { result: 'none', passDomain: null, note: NO_ENVELOPE_NOTE };
  const ip = String(envelope.clientIp ?? '')
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/^ipv6:/i, '');
  if (isIP(ip) === 0) {
    return {
      result: 'none',
      passDomain: null,
      note: `SPF not checked: envelope client IP "${envelope.clientIp}" is not an IP address`,
    };
  }
  const sender = String(envelope.mailFrom ?? '')
    .trim()
    .replace(/^<|>$/g, '');
  const heloName = String(envelope.helo ?? '').trim() || ip;
  // RFC 7208 §2.3/§2.4: with a null MAIL FROM the HELO identity is checked (postmaster@helo); an
  // address literal HELO is written in brackets, as mailauth's own authenticate() does.
  const helo = isIP(heloName) !== 0 ? `[${heloName}]` : heloName;
  try {
    const result = await spf({ sender: sender || undefined, ip, helo, mta: 'abusedesk', resolver });
    const value = result.status.result;
    return { result: value, passDomain: value === 'pass' ? result.domain : null, note: null };
  } catch (err) {
    return {
      result: 'temperror',
      passDomain: null,
      note: `SPF check failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

async function checkArc(dkimResult: DKIMVerifyResult, resolver: DNSResolver): Promise<ARCResult | null> {
  const chain = dkimResult.arc;
  if (!chain) return null;
  try {
    return await arc(
      { chain: chain.chain || [], lastEntry: chain.lastEntry, error: chain.error },
      { resolver },
    );
  } catch {
    return null;
  }
}

async function checkDmarc(
  dkimResult: DKIMVerifyResult,
  passing: readonly DKIMResult[],
  spfDomain: string | null,
  arcResult: ARCResult | null,
  resolver: DNSResolver,
): Promise<string> {
  const headerFrom = dkimResult.headerFrom ?? [];
  // RFC 7489 §6.6.1: no author domain, nothing to evaluate.
  if (headerFrom.length === 0) return 'none';
  try {
    const result = await dmarc({
      headerFrom,
      spfDomains: spfDomain ? [spfDomain] : [],
      dkimDomains: passing.map((row) => ({
        id: row.id,
        domain: row.signingDomain,
        aligned: Boolean(row.status.aligned),
        underSized: Boolean(row.status.underSized),
      })),
      ...(arcResult ? { arcResult } : {}),
      resolver,
    });
    // mailauth answers false for several From authors, which RFC 7489 §6.6.1 leaves unevaluable.
    return result === false ? 'permerror' : result.status.result;
  } catch {
    return 'temperror';
  }
}
