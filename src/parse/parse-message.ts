import { loadProviderRegistry, providerFromPatterns, type ProviderRegistry } from '../authenticate/provider-registry.ts';
import { reporterWords } from '../extract/reporter-words.ts';
import { classifyReport } from '../classify/classify-report.ts';
import type { Finding } from '../classify/finding.ts';
import { extractIdentifiers } from '../extract/extract-identifiers.ts';
import { extractOriginal } from '../extract/extract-original.ts';
import { isRedactedAddress } from '../extract/is-redacted-address.ts';
import { parseAddresses } from '../extract/parse-addresses.ts';
import { defaultDetectors, type ReportDetectors } from './default-detectors.ts';
import { messageFacts } from './message-facts.ts';
import { decodeHeaderValue } from './mime/decode-header-value.ts';
import type { MimePart } from './mime/mime-part.ts';
import type { WalkState } from './mime/walk-limits.ts';
import { walkMime } from './mime/walk-mime.ts';
import { normalizeRaw } from './normalize-raw.ts';
import type { ParsedReport } from './parsed-report.ts';
import { DEFAULT_CAMPAIGN_HEADERS, DEFAULT_LIMITS, DEFAULT_TICKET_ID, type ParseOptions } from './parse-options.ts';
import { authenticateParsed } from './authenticate-parsed.ts';

let cachedRegistry: ProviderRegistry | null = null;

/**
 * Understands one inbound message: exactly one kind with a reason, plus everything the later stages
 * need (PRODUCT.md "`abusedesk parse` output"). Pure and offline unless `authenticate` is set with a
 * resolver; never throws — a message it cannot understand is kind `other` with the reason.
 */
export async function parseMessage(raw: Buffer, options: ParseOptions = {}, detectors: ReportDetectors = defaultDetectors): Promise<ParsedReport> {
  let report: ParsedReport;
  try {
    report = parseSync(raw, options, detectors);
  } catch (e) {
    report = emptyReport('other', `parse error: ${(e as Error).message}`);
  }
  if (options.authenticate) {
    try {
      const auth = await authenticateParsed(raw, options);
      report.auth = auth.summary;
      if (auth.provider) report.provider = auth.provider;
      if (auth.note) report.authNote = auth.note;
    } catch (e) {
      report.authNote = `authentication failed: ${(e as Error).message}`;
    }
  }
  return report;
}

function parseSync(raw: Buffer, options: ParseOptions, detectors: ReportDetectors): ParsedReport {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const state: WalkState = { limits: { ...limits, deadline: performance.now() + limits.timeoutMs }, parts: 0, exceeded: null };
  const root = walkMime(normalizeRaw(raw), state);
  if (state.exceeded) return emptyReport('other', `message past a parse bound: ${state.exceeded}`);
  const facts = messageFacts(root);
  const parseEmbedded = (text: string): MimePart => walkMime(text, { limits: state.limits, parts: state.parts, exceeded: null }, 1);
  const finding = classifyReport(facts, {
    rcptTo: options.envelope?.rcptTo ?? [],
    unsubscribeMailboxes: options.mailboxes?.unsubscribe ?? ['unsubscribe'],
    ticketIdPattern: options.ticketIdPattern ?? DEFAULT_TICKET_ID,
    parseEmbedded,
    ...detectors,
  });
  if (performance.now() > state.limits.deadline) return emptyReport('other', 'message past a parse bound: parse time limit exceeded');
  const report = emptyReport(finding.kind, finding.reason);
  report.feedbackType = finding.feedbackType ?? null;
  report.userAgent = finding.userAgent ?? null;
  report.reporter = finding.reporter ?? null;
  report.sourceIp = finding.sourceIp ?? null;
  report.arrivalDate = finding.arrivalDate ?? null;
  report.bounces = finding.bounces ?? [];
  splitComplainants(report, finding);
  if (report.kind === 'complaint' || report.kind === 'reply' || report.kind === 'unsubscribe') report.reporterText = reporterWords(facts.bodyText);
  const o = finding.original ?? null;
  report.original = o ? extractOriginal(o) : null;
  report.identifiers = extractIdentifiers({
    originalHeaders: o?.headers ?? null,
    texts: [o?.rawHeaders ?? '', o?.bodyText ?? '', o?.html ?? '', facts.bodyText, facts.html, decodeHeaderValue(root.rawHeaders), facts.otherText],
    bodies: [o?.bodyText ?? '', o?.html ?? '', facts.bodyText, facts.html],
    headersKnown: Boolean(o?.rawHeaders),
    returnPath: report.original?.returnPath ?? null,
    campaignHeaders: options.campaignHeaders ?? DEFAULT_CAMPAIGN_HEADERS,
    verp: compileVerp(options.verpPattern),
  });
  cachedRegistry ??= options.providers ? null : loadProviderRegistry();
  const registry = options.providers ?? cachedRegistry;
  report.provider = finding.provider ?? (registry ? providerFromPatterns(registry, {
    from: facts.from,
    userAgent: report.userAgent,
    reporter: report.reporter,
    dkimDomains: dkimDomains(root),
  }) : null);
  return report;
}

/** Redacted or hashed complainants are kept apart: evidence for staff, never addresses to suppress. */
function splitComplainants(report: ParsedReport, finding: Finding): void {
  const clear: string[] = [];
  const hidden: string[] = [];
  for (const c of finding.complainants ?? []) {
    const list = isRedactedAddress(c) ? hidden : clear;
    if (!list.includes(c)) list.push(c);
  }
  report.complainants = clear;
  report.redactedComplainants = hidden;
  report.redacted = hidden.length > 0 || (finding.redacted === true && clear.length === 0);
}

/** Unverified DKIM `d=` domains of the report (offline provider guess only; trust needs verification). */
function dkimDomains(root: MimePart): string[] {
  return (root.headers.get('dkim-signature') ?? []).flatMap((v) => parseAddresses(`x@${/\bd=([^;\s]+)/.exec(v)?.[1] ?? ''}`).map((a) => a.slice(2)));
}

function compileVerp(source: string | null | undefined): RegExp | null {
  if (!source) return null;
  try {
    return new RegExp(source, 'i');
  } catch {
    return null;
  }
}

function emptyReport(kind: ParsedReport['kind'], reason: string): ParsedReport {
  return {
    kind,
    reason,
    feedbackType: null,
    provider: null,
    userAgent: null,
    reporter: null,
    complainants: [],
    redacted: false,
    redactedComplainants: [],
    bounces: [],
    original: null,
    identifiers: { traceToken: null, feedbackId: null, cfblFeedbackId: null, verp: null, listUnsubscribe: [], headers: {} },
    sourceIp: null,
    arrivalDate: null,
    auth: null,
  };
}
