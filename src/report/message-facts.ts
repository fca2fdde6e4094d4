import { htmlToText } from '../mime/html-to-text.ts';
import type { HeaderMap } from '../mime/header-map.ts';
import { HEADERS_ONLY_TYPES, MESSAGE_TYPES, type MimePart } from '../mime/mime-part.ts';
import { parseHeaderBlock } from '../mime/parse-header-block.ts';
import { partHeader, partText } from '../mime/part-text.ts';
import { singleMailbox } from '../mime/single-mailbox.ts';
import { firstHeader } from '../mime/header-map.ts';

/** Most text kept per message for classification and identifier search, so hostile input cannot balloon memory. */
export const MAX_TEXT = 64 * 1024;

/** What classify and extract read of one message (a whole report, or an enclosed original). */
export interface MessageFacts {
  part: MimePart;
  headers: HeaderMap;
  subject: string;
  from: string;
  /**
   * The one mailbox of From, parsed from the raw field before any decoding (singleMailbox, RFC 5322 §3.4),
   * lower-cased, IDN domain in ASCII form; null when From names no single valid mailbox.
   */
  reporter: string | null;
  /** Why `reporter` is null although From is present (a group, several mailboxes, an address in the display name…). */
  reporterIssue: string | null;
  /** Media type of the top entity and, for multipart/report, its report-type. */
  type: string;
  reportType: string | null;
  /** message/feedback-report fields (RFC 5965 §3.1) by lower-cased name; null when absent. */
  feedbackReport: HeaderMap | null;
  /** Text of the message/delivery-status part (RFC 3464), if any. */
  deliveryStatus: string | null;
  /** Human-readable text: text/plain parts, else text from HTML; enclosed messages excluded. */
  bodyText: string;
  /** HTML of the message's own parts (enclosed messages excluded), for link search. */
  html: string;
  /** Enclosed messages (message/rfc822 and header-only kin), in document order, not nested ones. */
  enclosed: MimePart[];
  /** Attachments' text worth searching: application/json, text/plain, and octet-stream files named *.json (ESP event JSON). */
  otherText: string;
}

/** Collects the facts of the message rooted at `part` without descending into enclosed messages. */
export function messageFacts(part: MimePart): MessageFacts {
  const facts: MessageFacts = {
    part,
    headers: part.headers,
    subject: partHeader(part, 'subject') ?? '',
    from: partHeader(part, 'from') ?? '',
    reporter: null,
    reporterIssue: null,
    type: part.type,
    reportType: part.type === 'multipart/report' ? (part.params['report-type'] ?? '').toLowerCase() : null,
    feedbackReport: null,
    deliveryStatus: null,
    bodyText: '',
    html: '',
    enclosed: [],
    otherText: '',
  };
  // RFC 5322 §3.6: exactly one From field; two name no single author.
  const mailbox =
    (part.headers.get('from')?.length ?? 0) > 1
      ? ({ ok: false, problem: 'ambiguous', reason: 'the message has more than one From field' } as const)
      : singleMailbox(firstHeader(part.headers, 'from'));
  if (mailbox.ok) facts.reporter = mailbox.address;
  else if (mailbox.problem !== 'none') facts.reporterIssue = mailbox.reason;
  const plain: string[] = [];
  const html: string[] = [];
  const visit = (p: MimePart, isRoot: boolean): void => {
    if (!isRoot && (MESSAGE_TYPES.has(p.type) || HEADERS_ONLY_TYPES.has(p.type))) {
      if (p.children[0]) facts.enclosed.push(p.children[0]);
      return;
    }
    if (p.type.startsWith('multipart/')) {
      for (const c of p.children) visit(c, false);
      return;
    }
    if (p.type === 'message/feedback-report') {
      // Fields are header-shaped; some generators base64-encode the part, partText undoes that.
      facts.feedbackReport ??= parseHeaderBlock(
        `${partText(p).replace(/\r\n?/g, '\n').trim()}\n\n`,
        MAX_TEXT,
      ).headers;
      return;
    }
    if (p.type === 'message/delivery-status' || p.type === 'message/global-delivery-status') {
      facts.deliveryStatus ??= partText(p).slice(0, MAX_TEXT);
      return;
    }
    const disposition = (partHeader(p, 'content-disposition') ?? '').toLowerCase();
    if (p.type === 'text/plain' && !disposition.startsWith('attachment')) plain.push(partText(p));
    else if (p.type === 'text/html') html.push(partText(p));
    else if (p.type === 'application/json' || p.type === 'text/plain' || isJsonFile(p, disposition)) {
      // A line break between parts keeps two JSON attachments two separate JSON values.
      facts.otherText += `${facts.otherText ? '\n' : ''}${partText(p).slice(0, MAX_TEXT)}`;
    }
  };
  visit(part, true);
  facts.html = html.join('\n').slice(0, MAX_TEXT * 4);
  const text = plain.length > 0 ? plain.join('\n') : htmlToText(facts.html);
  facts.bodyText = text.slice(0, MAX_TEXT);
  return facts;
}

/** An application/octet-stream attachment whose file name ends in .json (some mailers send JSON so). */
function isJsonFile(p: MimePart, disposition: string): boolean {
  if (p.type !== 'application/octet-stream') return false;
  const name = /filename\*?=\s*"?([^";]+)/i.exec(disposition)?.[1] ?? p.params.name ?? '';
  return /\.json\s*$/i.test(name);
}
