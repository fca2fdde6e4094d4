import type { TextBounceInput } from './formats/text-bounce-format.ts';
import { TEXT_BOUNCE_FORMATS } from './formats/text-bounce-formats.ts';

/** A recipient found in the human-readable text of a bounce, with the text that explains its failure. */
export interface TextBounceRecipient {
  recipient: string;
  diagnostic: string | null;
  /** An RFC 3463 status the layout states for this recipient (else it is read from the diagnostic). */
  status?: string | null;
  /** The remote server that answered, where the layout names it. */
  remoteMta?: string | null;
  /** "delayed" when the layout says delivery is still being retried for this recipient. */
  action?: 'failed' | 'delayed';
}

export interface TextBounce {
  /** Which layout was recognised ("Postfix", "qmail", "Exim", "Gmail"…), for the reason. */
  format: string;
  recipients: TextBounceRecipient[];
}

/** Where MTAs start quoting the returned message: nothing after it is about the failure. */
const ORIGINAL_MARKERS =
  /^[ \t]*(?:-+ ?This is a copy of the message|-+ ?Below this line is a copy of the m(?:essage|ail header)|-+ ?Below the next line is a copy of the message|-+ ?Original message ?-+|Original message headers:|Below is a copy of the original message|-+ ?The header of the original message is following|-+ ?Undelivered Message ?-+|-+ ?Returned message ?-+|-+ ?(?:Unsent|Original) message follows|Original message follows\.|Original mail as follows:|-+ ?No message was collected)/im;
const MAX_TEXT = 16_384;

const EMAIL = String.raw`[^\s<>()"',;:@]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?`;
const EMAIL_ONLY = new RegExp(`^${EMAIL}$`);

/** Layout markers, first match names the format. */
const FORMAT_MARKERS: readonly (readonly [RegExp, string])[] = [
  [/This is the qmail-send program/i, 'qmail'],
  [/This is the (?:Postfix program|mail system) at host/i, 'Postfix'],
  [/This message was created automatically by mail delivery software/i, 'Exim'],
  [/The following addresses had (?:permanent fatal errors|transient non-fatal errors)/i, 'Sendmail'],

  [/Sorry, we were unable to deliver your message to the following address/i, 'Yahoo'],
  [
    /Remote Server returned '|Microsoft Exchange|Delivery has failed to these recipients|Your message to \S+ couldn't be delivered/i,
    'Exchange',
  ],
  [/amazonses\.com|The following message to <[^>]+> was undeliverable/i, 'Amazon SES'],
  [/This is the Courier mail server|Courier mail server at/i, 'Courier'],
  [/Domino Directory|was not delivered to:/i, 'Domino'],
  [/OpenSMTPD|This is the MAILER-DAEMON, please DO NOT REPLY/i, 'OpenSMTPD'],
  [
    /Delivery to the following recipients? (?:failed permanently|has been delayed)|Google tried to deliver your message|\*\* (?:Address not found|Message not delivered|Message blocked) \*\*/i,
    'Gmail',
  ],
  [/Your mail to the following recipients could not be delivered because/i, 'AOL'],
];

/** Sentences that name one failed recipient (group 1), some with the failure text alongside (group 2). */
const PHRASES: readonly RegExp[] = [
  new RegExp(
    String.raw`The following message to <(${EMAIL})> was undeliverable\.?\s*(?:The reason for the problem:\s*([^\n]+(?:\n[^\n]+){0,10}))?`,
    'gi',
  ),
  new RegExp(String.raw`Your message to <?(${EMAIL})>? couldn't be delivered`, 'gi'),
  new RegExp(String.raw`Your message wasn't delivered to <?(${EMAIL})>?`, 'gi'),
  new RegExp(String.raw`There was a problem delivering your message to <?(${EMAIL})>?`, 'gi'),
  new RegExp(String.raw`<mailto:(${EMAIL})>`, 'gi'),
  new RegExp(
    String.raw`was not delivered to:\s*\n\s*<?(${EMAIL})>?\s*(?:\n\s*because:\s*\n\s*([^\n]+))?`,
    'gi',
  ),
];

/** Whole-message failure texts (Gmail, Exchange, SES put one reply for all recipients). */
const GLOBAL_DIAGNOSTICS: readonly RegExp[] = [
  /Remote Server returned '([^'\n]+)'/i,
  /#(\d{3}[ -][^#\n]{1,500})#/,
  /The error that the other server returned was:\s*\n?([^\n]+(?:\n[^\n]+){0,10})/i,
  /The response(?: from the remote server)? was:\s*\n+([^\n]+)/i,
  /The reason for the problem:\s*\n([^\n]+(?:\n[^\n]+){0,10})/i,
  /\bbecause:\s*\n\s*([^\n]+)/i,
  /Technical details of (?:permanent|temporary) failure:\s*\n?([^\n]+(?:\n[^\n]+){0,10})/i,
  /^[ \t]*Reason:[ \t]*(\S[^\n]{0,500})$/im,
];

/** Headings after which an indented list of addresses follows (Exim, Sendmail, Gmail, Mail.ru…). */
const LIST_HEADINGS =
  /(?:following address(?:\(es\))? failed|address(?:es)? to which the message has not yet been delivered|addresses had (?:permanent fatal|transient non-fatal) errors|could not be delivered to one or more|following recipients?|following address(?:es)?|delivery problems|not be delivered to|could not be delivered)[^\n]*\n/gi;

/** `<addr>: text` (Postfix, Yahoo) or `<addr>:` followed by lines (qmail, Courier); `(expanded from <x>)` is Postfix. */
const ANGLE_BLOCK = new RegExp(String.raw`^<(${EMAIL})>(?:\s*\(expanded from <(${EMAIL})>\))?:[ \t]*(.*)$`);
/** An address alone on an indented line, maybe in angle brackets (Exim, Sendmail, Gmail). */
const INDENTED_ADDRESS = new RegExp(
  String.raw`^([ \t]*)<?(${EMAIL})>?[ \t]*(?:\((?:unrecoverable error|generated from [^)]*)\))?[ \t]*$`,
);
/** `addr: 550 …` (OpenSMTPD and similar one-line layouts). */
const ADDRESS_REPLY = new RegExp(String.raw`^[ \t]*<?(${EMAIL})>?:[ \t]+(\d{3}[ -].*)$`, 'gm');
/** AOL: "could not be delivered because <reason>:" followed by bare local parts. */
const AOL_LIST = /could not be delivered because ([^:\n]+):\s*\n((?:[ \t]+\S+[ \t]*\n?)+)/i;

function collapse(text: string): string | null {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  if (collapsed === '') return null;
  return collapsed.length > 500 ? `${collapsed.slice(0, 497)}...` : collapsed;
}

/** The part of a bounce body that talks about the failure (before the quoted original), bounded. */
export function failureText(bodyText: string): string {
  const bounded = bodyText.length > MAX_TEXT ? bodyText.slice(0, MAX_TEXT) : bodyText;
  const normalized = bounded.replace(/\r\n?/g, '\n');
  const marker = ORIGINAL_MARKERS.exec(normalized);
  return marker === null ? normalized : normalized.slice(0, marker.index);
}

function angleBlocks(lines: readonly string[]): TextBounceRecipient[] {
  const found: TextBounceRecipient[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = ANGLE_BLOCK.exec(lines[i]!);
    if (match === null) continue;
    const block = [match[3] ?? ''];
    // The block runs until a blank line or the next address line.
    for (let j = i + 1; j < lines.length && lines[j]!.trim() !== '' && !ANGLE_BLOCK.test(lines[j]!); j++)
      block.push(lines[j]!);
    // Postfix "<final> (expanded from <alias>)": the final address failed; several may share one alias.
    found.push({ recipient: match[1]!, diagnostic: collapse(block.join('\n')) });
  }
  return found;
}

function indentedLists(text: string): TextBounceRecipient[] {
  const found: TextBounceRecipient[] = [];
  let headings = 0;
  for (const heading of text.matchAll(LIST_HEADINGS)) {
    // Real bounces have one or two list headings; more is noise, and each costs a scan.
    if (++headings > 10) break;
    const lines = text
      .slice(heading.index + heading[0].length, heading.index + heading[0].length + 4000)
      .split('\n');
    let seenAddress = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const match = INDENTED_ADDRESS.exec(line);
      if (match === null) {
        // Blank lines may separate the heading from the list; any other unindented text ends the list.
        if (line.trim() === '' || /^[ \t]/.test(line)) continue;
        if (seenAddress) break;
        continue;
      }
      seenAddress = true;
      const indent = match[1]!.length;
      const block: string[] = [];
      // The diagnostic is the following lines indented deeper (Exim: 4 spaces under a 2-space address).
      for (let j = i + 1; j < lines.length; j++) {
        const next = lines[j]!;
        const nextIndent = /^[ \t]*/.exec(next)![0].length;
        if (next.trim() === '' || nextIndent <= indent || INDENTED_ADDRESS.test(next)) break;
        block.push(next);
      }
      found.push({
        recipient: match[2]!,
        diagnostic: collapse(block.join('\n').replace(/^\s*\(reason:\s*([\s\S]*)\)\s*$/, '$1')),
      });
    }
  }
  return found;
}

function phraseRecipients(text: string): TextBounceRecipient[] {
  const found: TextBounceRecipient[] = [];
  for (const phrase of PHRASES) {
    for (const match of text.matchAll(phrase)) {
      const diagnostic = match[2];
      found.push({
        recipient: match[1]!,
        diagnostic: diagnostic === undefined ? null : collapse(diagnostic),
      });
    }
  }
  return found;
}

function aolRecipients(text: string, fromDomain: string | null): TextBounceRecipient[] {
  const match = AOL_LIST.exec(text);
  if (match === null) return [];
  return match[2]!
    .split('\n')
    .map((line) => line.trim())
    .filter((local) => local !== '')
    .map((local) => ({
      // AOL lists bare screen names: the address is at the bouncing system's own domain.
      recipient: local.includes('@') || fromDomain === null ? local : `${local}@${fromDomain}`,
      diagnostic: collapse(`not accepting mail because ${match[1]!}`),
    }));
}

/**
 * Finds failed recipients and their failure text in the human-readable part of a bounce, for MTAs that send
 * no message/delivery-status part (qmail, Exim, old Gmail, AOL, OpenSMTPD…) or an empty one. `failedHeader`
 * is the X-Failed-Recipients list (Exim, Gmail), used when the text names nobody.
 */
function layoutInput(
  bodyText: string,
  fromDomain: string | null,
  top: Pick<TextBounceInput, 'subject' | 'from' | 'headers'>,
): TextBounceInput {
  const body = bodyText.length > MAX_TEXT * 4 ? bodyText.slice(0, MAX_TEXT * 4) : bodyText;
  return { text: failureText(bodyText), bodyText: body, fromDomain, ...top };
}

/** The name of the MTA or provider layout that wrote this bounce, when one recognises it, else null. */
export function detectLayout(
  bodyText: string,
  fromDomain: string | null,
  top: Pick<TextBounceInput, 'subject' | 'from' | 'headers'>,
): string | null {
  const input = layoutInput(bodyText, fromDomain, top);
  return TEXT_BOUNCE_FORMATS.find((format) => format.detect(input))?.name ?? null;
}

export function parseTextBounce(
  bodyText: string,
  failedHeader: readonly string[],
  fromDomain: string | null,
  top: Pick<TextBounceInput, 'subject' | 'from' | 'headers'> = { subject: '', from: '', headers: new Map() },
): TextBounce {
  const input = layoutInput(bodyText, fromDomain, top);
  const text = input.text;
  for (const format of TEXT_BOUNCE_FORMATS) {
    if (!format.detect(input)) continue;
    const recipients = format.recipients(input).filter((entry) => entry.recipient.includes('@'));
    if (recipients.length > 0) return { format: format.name, recipients: dedupe(recipients) };
  }
  const format = FORMAT_MARKERS.find(([marker]) => marker.test(text))?.[1] ?? 'unrecognised MTA';
  const lines = text.split('\n');
  const candidates = [
    ...angleBlocks(lines),
    ...indentedLists(text),
    ...phraseRecipients(text),
    ...Array.from(text.matchAll(ADDRESS_REPLY), (match) => ({
      recipient: match[1]!,
      diagnostic: collapse(match[2]!),
    })),
    ...aolRecipients(text, fromDomain),
    ...failedHeader.map((recipient) => ({ recipient, diagnostic: null })),
  ];
  const globalDiagnostic = GLOBAL_DIAGNOSTICS.map((pattern) => pattern.exec(text)?.[1]).find(
    (found) => found !== undefined,
  );
  const global = globalDiagnostic === undefined ? null : collapse(globalDiagnostic);
  const recipients = dedupe(candidates).map((entry) => ({
    ...entry,
    diagnostic: entry.diagnostic ?? replyNaming(lines, entry.recipient) ?? global,
  }));
  return { format, recipients };
}

/** A reply line that names the address ("550 5.1.1 <user@example.org>... User unknown"), for lists without reasons. */
function replyNaming(lines: readonly string[], address: string): string | null {
  const wanted = address.toLowerCase();
  for (let i = 0; i < lines.length && i < 400; i++) {
    const line = lines[i]!;
    if (line.length > 1000 || !/^[ \t]*(?:<<<[ \t]*)?[45]\d\d[ -]/.test(line)) continue;
    if (line.toLowerCase().includes(wanted)) return collapse(line.replace(/^[ \t]*<<<[ \t]*/, ''));
  }
  return null;
}

/** One entry per address (case-insensitive), keeping the first diagnostic found for it. */
function dedupe(candidates: readonly TextBounceRecipient[]): TextBounceRecipient[] {
  const byAddress = new Map<string, TextBounceRecipient>();
  for (const candidate of candidates) {
    const recipient = candidate.recipient.trim().replace(/^<|>$/g, '').replace(/\.$/, '');
    if (!EMAIL_ONLY.test(recipient) && !recipient.includes('@')) continue;
    const key = recipient.toLowerCase();
    const known = byAddress.get(key);
    if (known === undefined) byAddress.set(key, { ...candidate, recipient });
    else {
      known.diagnostic ??= candidate.diagnostic;
      known.status ??= candidate.status;
      known.remoteMta ??= candidate.remoteMta;
    }
  }
  return [...byAddress.values()];
}
