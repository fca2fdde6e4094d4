import EmailForwardParser, { type EmailForwardMailbox } from 'email-forward-parser';
import { headerMapOf } from '../extract/reported-original.ts';
import { firstAddress, parseAddresses } from '../extract/parse-addresses.ts';
import type { MessageFacts } from '../parse/message-facts.ts';
import type { Finding } from './finding.ts';
import { humanComplainants } from './human-complainants.ts';

const parser = new EmailForwardParser();

const mailboxes = (v: EmailForwardMailbox | EmailForwardMailbox[] | null | undefined): EmailForwardMailbox[] => (v ? (Array.isArray(v) ? v : [v]) : []);
const show = (m: EmailForwardMailbox): string => (m.name && m.address ? `${m.name} <${m.address}>` : (m.address ?? m.name ?? ''));

/**
 * Inline forwards (Gmail, Outlook, Apple Mail, Thunderbird, Yahoo… in many languages): the
 * email-forward-parser library finds the quoted header block; headers are lost but links survive.
 */
export function detectInlineForward(facts: MessageFacts): Finding | null {
  if (facts.bodyText.trim() === '') return null;
  let result;
  try {
    result = parser.read(facts.bodyText, facts.subject);
  } catch {
    return null;
  }
  const e = result.email;
  // A "Fwd:" subject alone is not a forward of anything: require the quoted header block's sender.
  if (!result.forwarded || !e.from.address) return null;
  const to = mailboxes(e.to).flatMap((m) => parseAddresses(m.address));
  const reporter = firstAddress(facts.from);
  const headers = headerMapOf([
    ['From', show(e.from)],
    ['To', mailboxes(e.to).map(show).join(', ')],
    ['Cc', mailboxes(e.cc).map(show).join(', ')],
    ['Subject', e.subject],
    ['Date', e.date],
  ]);
  return {
    kind: 'complaint',
    reason: 'human report: inline forward',
    feedbackType: 'abuse',
    reporter,
    complainants: humanComplainants(to, reporter),
    original: { headers, rawHeaders: '', bodyText: e.body ?? '', html: '', headersOnly: false },
  };
}
