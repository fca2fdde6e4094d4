import { originalFromPart } from '../report/reported-original.ts';
import { parseAddresses } from '../extract/parse-addresses.ts';
import { toIsoDate } from '../extract/to-iso-date.ts';
import type { MessageFacts } from '../report/message-facts.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import { firstHeader, type HeaderMap } from '../mime/header-map.ts';
import { partHeader } from '../mime/part-text.ts';
import type { Finding } from '../report/finding.ts';

const all = (fr: HeaderMap, name: string): string[] => (fr.get(name) ?? []).map(decodeHeaderValue);
const one = (fr: HeaderMap, name: string): string | null => {
  const v = firstHeader(fr, name);
  return v === null ? null : decodeHeaderValue(v).trim();
};

/**
 * ARF (RFC 5965, RFC 6650) and RFC 6591 auth-failure reports: a message/feedback-report part, inside
 * multipart/report or (as some generators do) multipart/mixed. Feedback-Type auth-failure is its own kind.
 */
export function detectArf(facts: MessageFacts): Finding | null {
  const fr = facts.feedbackReport;
  if (!fr && facts.reportType !== 'feedback-report') return null;
  const where =
    facts.reportType !== null
      ? `multipart/report; report-type=${facts.reportType || '(none)'}`
      : `${facts.type} with a message/feedback-report part`;
  const enclosed = facts.enclosed[facts.enclosed.length - 1] ?? null;
  const original = enclosed ? originalFromPart(enclosed) : null;
  if (!fr) {
    return {
      kind: 'fbl',
      reason: `${where} without a feedback-report part`,
      feedbackType: null,
      original,
      reporter: facts.reporter,
      complainants: originalRecipients(enclosed?.headers ?? null),
    };
  }
  const feedbackType = (one(fr, 'feedback-type') ?? '').toLowerCase().replace(/\s+/g, '') || null;
  // RFC 5965 §3.2: Original-Rcpt-To may repeat; RFC 6650 §4 Removal-Recipient names the opt-out address.
  let complainants = all(fr, 'original-rcpt-to').flatMap(parseAddressesOrRaw);
  if (complainants.length === 0) complainants = all(fr, 'removal-recipient').flatMap(parseAddressesOrRaw);
  if (complainants.length === 0 && enclosed) {
    // No recipient field: the original's own recipient is the complainant (Microsoft adds its own header).
    complainants = parseAddresses(partHeader(enclosed, 'x-hmxmroriginalrecipient'));
    if (complainants.length === 0) complainants = originalRecipients(enclosed.headers);
  }
  const redactedField = all(fr, 'redacted-address').length > 0;
  const authFailure = one(fr, 'auth-failure');
  const isAuth = feedbackType === 'auth-failure';
  return {
    kind: isAuth ? 'auth-failure' : 'fbl',
    reason: `${where}; Feedback-Type: ${feedbackType ?? '(missing)'}${isAuth && authFailure ? `; Auth-Failure: ${authFailure}` : ''}`,
    feedbackType,
    userAgent: one(fr, 'user-agent'),
    reporter: facts.reporter,
    complainants: isAuth ? [] : complainants,
    // No recipient at all (To: "undisclosed"): withheld, so attribution must recover it from a token.
    redacted: redactedField || (!isAuth && complainants.length === 0),
    original,
    sourceIp: (one(fr, 'source-ip') ?? '').split(/\s/)[0] || null,
    arrivalDate: toIsoDate(one(fr, 'arrival-date') ?? one(fr, 'received-date')),
  };
}

/** An address list, or the raw value when it has no @ (a fully redacted recipient is still a recipient). */
function parseAddressesOrRaw(value: string): string[] {
  const list = parseAddresses(value);
  if (list.length > 0) return list;
  const v = value.trim().replace(/^<|>$/g, '');
  return v ? [v] : [];
}

function originalRecipients(headers: HeaderMap | null): string[] {
  if (!headers) return [];
  const to = firstHeader(headers, 'to');
  return to ? parseAddresses(decodeHeaderValue(to)) : [];
}
