import {
  loadProviderRegistry,
  providerFromPatterns,
  type ProviderRegistry,
} from '../authenticate/provider-registry.ts';
import type { Finding } from '../report/finding.ts';
import { extractIdentifiers } from '../extract/extract-identifiers.ts';
import { extractOriginal } from '../extract/extract-original.ts';
import { isRedactedAddress } from '../extract/is-redacted-address.ts';
import { parseAddresses } from '../extract/parse-addresses.ts';
import { reporterWords } from '../extract/reporter-words.ts';
import type { Classification } from './classification.ts';
import { emptyReport } from './empty-report.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import type { MimePart } from '../mime/mime-part.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import { DEFAULT_CAMPAIGN_HEADERS, type ParseOptions } from './parse-options.ts';

let cachedRegistry: ProviderRegistry | null = null;

/**
 * Everything the later stages need of a classified message: the original, complainants (redacted ones kept
 * apart), the reporter and their words, bounce details, campaign identifiers and the provider. Never throws —
 * a failure is kind `other` with the reason.
 */
export function extractReport(c: Classification, options: ParseOptions = {}): ParsedReport {
  if (!c.message) return emptyReport(c.kind, c.reason);
  try {
    return extract(c.message.root, c.message.finding, c.message.facts, options);
  } catch (e) {
    return emptyReport('other', `parse error: ${(e as Error).message}`);
  }
}

function extract(
  root: MimePart,
  finding: Finding,
  facts: NonNullable<Classification['message']>['facts'],
  options: ParseOptions,
): ParsedReport {
  const report = emptyReport(finding.kind, finding.reason);
  report.feedbackType = finding.feedbackType ?? null;
  report.userAgent = finding.userAgent ?? null;
  report.reporter = finding.reporter ?? null;
  if (report.reporter === null && facts.reporterIssue) report.reporterIssue = facts.reporterIssue;
  report.sourceIp = finding.sourceIp ?? null;
  report.arrivalDate = finding.arrivalDate ?? null;
  report.bounces = finding.bounces ?? [];
  if (report.kind === 'reply' && finding.ticketId) report.replyTicketId = finding.ticketId;
  splitComplainants(report, finding);
  // A person's own words only: an ESP's JSON event (the finding names its provider) has none.
  const fromPerson =
    !finding.provider &&
    (report.kind === 'complaint' || report.kind === 'reply' || report.kind === 'unsubscribe');
  if (fromPerson) report.reporterText = reporterWords(facts.bodyText);
  const o = finding.original ?? null;
  report.original = o ? extractOriginal(o) : null;
  report.identifiers = extractIdentifiers({
    originalHeaders: o?.headers ?? null,
    texts: [
      o?.rawHeaders ?? '',
      o?.bodyText ?? '',
      o?.html ?? '',
      facts.bodyText,
      facts.html,
      decodeHeaderValue(root.rawHeaders),
      facts.otherText,
    ],
    bodies: [o?.bodyText ?? '', o?.html ?? '', facts.bodyText, facts.html],
    headersKnown: Boolean(o?.rawHeaders),
    returnPath: report.original?.returnPath ?? null,
    campaignHeaders: options.campaignHeaders ?? DEFAULT_CAMPAIGN_HEADERS,
    verp: compileVerp(options.verpPattern),
  });
  cachedRegistry ??= options.providers ? null : loadProviderRegistry();
  const registry = options.providers ?? cachedRegistry;
  report.provider =
    finding.provider ??
    (registry
      ? providerFromPatterns(registry, {
          from: facts.from,
          userAgent: report.userAgent,
          reporter: report.reporter,
          dkimDomains: dkimDomains(root),
        })
      : null);
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
  return (root.headers.get('dkim-signature') ?? []).flatMap((v) =>
    parseAddresses(`x@${/\bd=([^;\s]+)/.exec(v)?.[1] ?? ''}`).map((a) => a.slice(2)),
  );
}

function compileVerp(source: string | null | undefined): RegExp | null {
  if (!source) return null;
  try {
    return new RegExp(source, 'i');
  } catch {
    return null;
  }
}
