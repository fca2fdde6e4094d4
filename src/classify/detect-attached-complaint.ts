import { parseAddresses } from '../extract/parse-addresses.ts';
import { originalFromPart } from '../report/reported-original.ts';
import type { MessageFacts } from '../report/message-facts.ts';
import { partHeader } from '../mime/part-text.ts';
import type { Finding } from '../report/finding.ts';
import { humanComplainants } from './human-complainants.ts';

/** A person forwarded the spam as an attachment (message/rfc822 or headers), from any mail client. */
export function detectAttachedComplaint(facts: MessageFacts): Finding | null {
  const part = facts.enclosed[facts.enclosed.length - 1];
  if (!part || part.headers.size === 0) return null;
  const reporter = facts.reporter;
  const to = parseAddresses(partHeader(part, 'to'));
  return {
    kind: 'complaint',
    reason: `human report: spam attached as ${part.headersOnly ? 'headers only' : 'message/rfc822'}`,
    feedbackType: 'abuse',
    reporter,
    complainants: humanComplainants(to, reporter),
    original: originalFromPart(part),
  };
}
