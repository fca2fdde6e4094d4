import { parseAddresses } from '../extract/parse-addresses.ts';
import { originalFromPart } from '../report/reported-original.ts';
import type { MessageFacts } from '../report/message-facts.ts';
import { firstHeader } from '../mime/header-map.ts';
import type { Finding } from '../report/finding.ts';

/**
 * X-ARF (x-arf.org): `X-ARF: yes` plus a YAML/JSON report naming the abuse type. Email spam is a
 * human-class complaint about our mail; other types (login attacks, phishing sites, malware) are not
 * about a send of ours, so they go to staff as `other`.
 */
export function detectXarf(facts: MessageFacts): Finding | null {
  const marked =
    (firstHeader(facts.headers, 'x-arf') ?? '').trim().toLowerCase() === 'yes' ||
    /^X-ARF:\s*yes/im.test(facts.bodyText);
  const text = `${facts.bodyText}\n${facts.otherText}`;
  // Report-Type is the abuse type; Category is coarser (`abuse` covers login attacks too).
  const type =
    (/^[ \t]*"?Report-Type"?[ \t]*[:=][ \t]*"?([\w-]+)/im.exec(text) ??
      /^[ \t]*"?Category"?[ \t]*[:=][ \t]*"?([\w-]+)/im.exec(text))?.[1]?.toLowerCase() ?? null;
  if (!marked && !/\bx-arf\.org\b/i.test(text)) return null;
  const reporter = facts.reporter;
  if (type === 'spam') {
    const enclosed = facts.enclosed[facts.enclosed.length - 1] ?? null;
    const original = enclosed ? originalFromPart(enclosed) : null;
    return {
      kind: 'complaint',
      reason: `X-ARF report, Report-Type: ${type}`,
      feedbackType: 'abuse',
      reporter,
      original,
      complainants: enclosed ? parseAddresses(firstHeader(enclosed.headers, 'to')).slice(0, 1) : [],
      userAgent: null,
    };
  }
  return {
    kind: 'other',
    reason: `X-ARF report, Report-Type: ${type ?? '(none)'} — not an email-spam report`,
    reporter,
  };
}
