import { traceTokenRegex } from '../report/trace-token-pattern.ts';
import { parseAddresses } from '../extract/parse-addresses.ts';
import { firstHeader } from '../mime/header-map.ts';
import { reporterAddress } from '../mime/single-mailbox.ts';
import { originalFromPart } from '../report/reported-original.ts';
import type { MessageFacts } from '../report/message-facts.ts';
import { partHeader } from '../mime/part-text.ts';
import type { Finding } from '../report/finding.ts';
import { humanComplainants } from './human-complainants.ts';

/**
 * A person's message that carries one of our trace tokens, when no other detector recognised it: the
 * token sits in a link the reporter copied or quoted (without forward banner or prefix), or the whole
 * client mail was redirected to us (Thunderbird "Redirect", Outlook "Resend": Resent-From names the
 * person, the X-Abusedesk-Trace header is still on top). Runs last, after replies, autoreplies,
 * bounces and unsubscribes, so only a mail about one of our sends that nothing else explained is left.
 * A client mail that reached abuse@ on its own (no Resent-From) is nobody's complaint.
 */
export function detectTracedMail(facts: MessageFacts): Finding | null {
  const header = partHeader(facts.part, 'x-abusedesk-trace');
  // RFC 5322 §3.6.6: Resent-From names the person who resent; parsed like From (one mailbox, raw field).
  const resentFrom = reporterAddress(
    firstHeader(facts.part.headers, 'resent-from') ?? firstHeader(facts.part.headers, 'resent-sender'),
  );
  if (header !== null && traceTokenRegex().test(header) && resentFrom) {
    return {
      kind: 'complaint',
      reason: 'human report: our mail redirected with its X-Abusedesk-Trace header (Resent-From)',
      feedbackType: 'abuse',
      reporter: resentFrom,
      complainants: humanComplainants(parseAddresses(partHeader(facts.part, 'to')), resentFrom),
      original: originalFromPart(facts.part),
    };
  }
  // Our header on top without Resent-From: the client's mail itself (a list that includes abuse@).
  if (header !== null) return null;
  const inText = traceTokenRegex().test(facts.bodyText) || traceTokenRegex().test(facts.html);
  if (!inText) return null;
  const reporter = facts.reporter;
  if (!reporter) return null;
  // Our own mailbox writing to itself (a loop, a test) is not a report.
  if (parseAddresses(partHeader(facts.part, 'to')).includes(reporter)) return null;
  return {
    kind: 'complaint',
    reason: 'human report: the text carries our trace token (quoted link or copied text)',
    feedbackType: 'abuse',
    reporter,
    complainants: humanComplainants([], reporter),
    original: null,
  };
}
