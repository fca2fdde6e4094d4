import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { addressLine, header, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * GMX, WEB.DE and 1&1 / IONOS (kundenserver) bounces: Subject "Mail delivery failed: returning message to
 * sender", Exim-like wording, the original's header after "--- The header of the original message is
 * following. ---". Recipients stand alone on a line, bare, quoted and followed by ":" (GMX) or in <>; the
 * reason follows ("SMTP error from remote server …", "host: mx…", "Reason:", "For the following reason:").
 */
const ORIGINAL = /^-{2,3} The header of the original message is following\. -{2,3}/m;
const PREAMBLE =
  /This message was created automatically by mail delivery software|could not be delivered to one or more/i;
const HEADINGS =
  /^(?:For the following reason:|Reason:|The following address(?:es)? failed:?|A message that you sent|its recipients|failed:)$/i;

function detect(input: TextBounceInput): boolean {
  if (ORIGINAL.test(input.bodyText))
    return PREAMBLE.test(input.text) || /^Mail delivery failed/i.test(input.subject);
  const gmxHeaders = header(input, 'x-gmx-antispam') !== '' || header(input, 'x-ui-out-filterresults') !== '';
  return gmxHeaders && PREAMBLE.test(input.text) && /mailer-daemon|mail delivery system/i.test(input.from);
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const found: { recipient: string; lines: string[]; host: string | null }[] = [];
  const shared: string[] = [];
  let afterList = false;
  for (const line of linesOf(input.bodyText, ORIGINAL)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const address = addressLine(trimmed);
    if (address !== null) {
      found.push({ recipient: address, lines: [], host: null });
      afterList = true;
      continue;
    }
    if (!afterList || HEADINGS.test(trimmed)) continue;
    const current = found[found.length - 1]!;
    const host = /^host:\s*([A-Za-z0-9.-]+)/i.exec(trimmed);
    if (host !== null) current.host = host[1]!.toLowerCase();
    current.lines.push(trimmed);
    shared.push(trimmed);
  }
  return found.map((entry) => ({
    recipient: entry.recipient,
    // 1&1 lists all addresses first and gives one reason after them.
    diagnostic: tidy(entry.lines.length > 0 ? entry.lines.join(' ') : shared.join(' ')),
    remoteMta: entry.host,
  }));
}

export const GMX_FORMAT: TextBounceFormat = { name: 'GMX / 1&1', detect, recipients };
