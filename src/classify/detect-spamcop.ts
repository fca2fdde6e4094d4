import { parseAddresses } from '../extract/parse-addresses.ts';
import { originalFromPart } from '../report/reported-original.ts';
import type { MessageFacts } from '../report/message-facts.ts';
import type { MimePart } from '../mime/mime-part.ts';
import { partHeader } from '../mime/part-text.ts';
import type { Finding } from '../report/finding.ts';

/**
 * SpamCop reports: a person reported the spam through spamcop.net, which forwards it to the abuse
 * desk of the source. The spam is attached, or inline between markers, or the whole (maybe quoted) body.
 * SpamCop munges the recipient (`x`, `<removed>`), so the complainant is redacted.
 */
export function detectSpamcop(
  facts: MessageFacts,
  parseEmbedded: (text: string) => MimePart,
): Finding | null {
  const from = facts.reporter ?? '';
  if (!/[@.]spamcop\.net$/.test(from) && !/^\[SpamCop\b/i.test(facts.subject)) return null;
  let part: MimePart | null = facts.enclosed[facts.enclosed.length - 1] ?? null;
  if (!part) {
    const text = embeddedText(facts.bodyText);
    if (text) part = parseEmbedded(text);
  }
  const to = part ? parseAddresses(partHeader(part, 'to')) : [];
  return {
    kind: 'complaint',
    reason: `SpamCop report (${/^\[SpamCop\b/i.test(facts.subject) ? 'Subject [SpamCop …]' : `From ${from}`})`,
    feedbackType: 'abuse',
    reporter: from || null,
    complainants: to,
    redacted: to.length === 0,
    original: part && part.headers.size > 0 ? originalFromPart(part) : null,
    sourceIp:
      /^\[SpamCop \(([0-9a-f.:]+)\)/i.exec(facts.subject)?.[1] ??
      partHeader(facts.part, 'x-spamcop-sourceip')?.trim() ??
      null,
  };
}

/** The spam as text: between SpamCop's markers, after "Offending message", or the body if it is headers. */
function embeddedText(body: string): string | null {
  let text = body.replace(/\r\n?/g, '\n');
  if (/^>/m.test(text) && text.split('\n').filter((l) => l.startsWith('>')).length > 5)
    text = text.replace(/^> ?/gm, '');
  const begin = /^=+\s*BEGIN FORWARDED MESSAGE\s*=+\s*$/im.exec(text);
  if (begin) {
    const rest = text.slice(begin.index + begin[0].length).replace(/^\n/, '');
    const end = /^=+\s*END FORWARDED MESSAGE\s*=+\s*$/im.exec(rest);
    return end ? rest.slice(0, end.index) : rest;
  }
  const offending = /^\[?\s*Offending message\s*\]?:?\s*$/im.exec(text);
  if (offending) return text.slice(offending.index + offending[0].length).replace(/^\n+/, '');
  const headerStart = /^(?:Received|Return-Path|From|Message-ID):/im.exec(text);
  return headerStart ? text.slice(headerStart.index) : null;
}
