import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, header, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Zoho Mail: an X-ZohoMail header, Exim's opening sentence, then one line per recipient,
 * "addr Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <addr>... User Unknown", or (after giving up
 * retrying) "[Status: Error, Address: <addr>, ResponseCode 421, , Host not reachable.]". The original's
 * header follows after a blank line, without a separator.
 */
const ERROR_LINE = new RegExp(String.raw`^(${ADDRESS})\s+.*ERROR_CODE\s*:`);
const STATUS_LINE = new RegExp(String.raw`^\[Status:\s*[^,\]]{0,40},\s*Address:\s*<(${ADDRESS})>`);

function detect(input: TextBounceInput): boolean {
  return header(input, 'x-zohomail') !== '' && /ERROR_CODE\s*:|^\[Status: /m.test(input.text);
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const found: { recipient: string; lines: string[]; gaveUp: boolean }[] = [];
  let open = false;
  for (const line of linesOf(input.text, /^Received:/m)) {
    const error = ERROR_LINE.exec(line);
    const status = error === null ? STATUS_LINE.exec(line) : null;
    const match = error ?? status;
    if (match !== null) {
      const rest = error !== null ? line.slice(match[1]!.length) : line;
      found.push({
        recipient: match[1]!,
        lines: [rest],
        gaveUp: status !== null && /ResponseCode\s+4\d\d/.test(line),
      });
      open = true;
    } else if (open && line.trim() !== '') found[found.length - 1]!.lines.push(line);
    else open = false;
  }
  return found.map((entry) => ({
    recipient: entry.recipient,
    diagnostic: tidy(entry.lines.join(' ')),
    // A returned message whose last answer was a 4xx: Zoho stopped retrying (delivery time expired).
    status: entry.gaveUp ? '5.4.7' : null,
  }));
}

export const ZOHO_FORMAT: TextBounceFormat = { name: 'Zoho Mail', detect, recipients };
