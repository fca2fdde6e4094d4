import type { MessageFacts } from '../report/message-facts.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import { firstHeader } from '../mime/header-map.ts';
import type { Finding } from '../report/finding.ts';

/**
 * A person answering one of our tickets: the ticket id in the subject, In-Reply-To or References (our
 * acknowledgement's Message-ID carries it), found here once and carried on the report for the actions stage.
 */
export function detectReply(facts: MessageFacts, ticketIdPattern: RegExp): Finding | null {
  // A fresh, non-global copy: a caller's global regex would carry lastIndex between calls.
  const re = new RegExp(ticketIdPattern.source, ticketIdPattern.flags.replace(/[gy]/g, ''));
  const subject = re.exec(facts.subject);
  const where = subject
    ? 'subject'
    : ['in-reply-to', 'references'].find((h) =>
        re.test(decodeHeaderValue(firstHeader(facts.headers, h) ?? '')),
      );
  if (!where) return null;
  const id = subject?.[0] ?? re.exec(decodeHeaderValue(firstHeader(facts.headers, where) ?? ''))?.[0] ?? '';
  const reason = `ticket id ${id} in ${where === 'subject' ? 'Subject' : where === 'in-reply-to' ? 'In-Reply-To' : 'References'}`;
  return { kind: 'reply', reason, reporter: facts.reporter, ticketId: id.toUpperCase() };
}
