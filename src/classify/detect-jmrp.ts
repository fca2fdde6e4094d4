import { originalFromPart } from '../report/reported-original.ts';
import { parseAddresses } from '../extract/parse-addresses.ts';
import { toIsoDate } from '../extract/to-iso-date.ts';
import type { MessageFacts } from '../report/message-facts.ts';
import { partHeader } from '../mime/part-text.ts';
import type { Finding } from '../report/finding.ts';

/**
 * Microsoft JMRP: no feedback-report part, the complained-about message attached (or, in the old
 * Hotmail style, delivered itself) with `X-HmXmrOriginalRecipient` naming the complainant. The
 * attached message's To may be a list or a BCC'd address, so it is not used.
 */
export function detectJmrp(facts: MessageFacts): Finding | null {
  const attached = facts.enclosed.find((p) => p.headers.has('x-hmxmroriginalrecipient')) ?? null;
  const self = attached === null && facts.headers.has('x-hmxmroriginalrecipient');
  if (!attached && !self) return null;
  const source = attached ?? facts.part;
  const ip = /complaint about message from\s+([0-9a-f.:x]+)/i.exec(facts.subject)?.[1] ?? null;
  return {
    kind: 'fbl',
    reason: self
      ? 'Microsoft JMRP (old style: the reported message itself, X-HmXmrOriginalRecipient)'
      : 'Microsoft JMRP: attached message with X-HmXmrOriginalRecipient, no feedback-report part',
    feedbackType: 'abuse',
    userAgent: null,
    reporter: facts.reporter,
    complainants: parseAddresses(partHeader(source, 'x-hmxmroriginalrecipient')),
    original: originalFromPart(source),
    sourceIp: ip && /^[0-9a-f.:]+$/i.test(ip) ? ip : null,
    arrivalDate: toIsoDate(partHeader(facts.part, 'date')),
    provider: 'microsoft',
  };
}
