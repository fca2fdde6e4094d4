import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, header, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Trend Micro InterScan MSS (also IMSVA / Email Security): From "InterScan MSS …" or a body naming InterScan,
 * with the SMTP transcript per recipient: "Sent <<< RCPT TO:<addr>" / "Received >>> 550 …" (Japanese
 * editions label the lines in Japanese and may swap the arrows), or "Unable to deliver message to <addr>".
 */
const ARROW = /(?:<<<|>>>)\s*(.*)$/;
const RCPT = new RegExp(String.raw`^RCPT TO:\s*<(${ADDRESS})>`, 'i');
const UNABLE = new RegExp(String.raw`Unable to deliver (?:the )?message to <(${ADDRESS})>`);

function detect(input: TextBounceInput): boolean {
  const named =
    /^"?InterScan/i.test(input.from) ||
    header(input, 'content-type').includes('InterScan') ||
    / InterScan /.test(input.text);
  return named && (/(?:<<<|>>>)\s*RCPT TO:/i.test(input.text) || UNABLE.test(input.text));
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const found: { recipient: string; diagnostic: string | null }[] = [];
  const lookup = (address: string) => {
    let entry = found.find((item) => item.recipient.toLowerCase() === address.toLowerCase());
    if (entry === undefined) {
      entry = { recipient: address, diagnostic: null };
      found.push(entry);
    }
    return entry;
  };
  let current: { recipient: string; diagnostic: string | null } | null = null;
  for (const line of linesOf(input.text, /^Content-Type: message\/rfc822/m)) {
    const unable = UNABLE.exec(line);
    if (unable !== null) {
      current = lookup(unable[1]!);
      current.diagnostic ??= line.trim();
      continue;
    }
    const arrow = ARROW.exec(line);
    if (arrow === null) continue;
    const payload = arrow[1]!.trim();
    const rcpt = RCPT.exec(payload);
    if (rcpt !== null) current = lookup(rcpt[1]!);
    else if (current !== null && /^[245]\d\d\b/.test(payload)) current.diagnostic = payload;
  }
  return found.map((entry) => ({ recipient: entry.recipient, diagnostic: tidy(entry.diagnostic) }));
}

export const INTERSCAN_FORMAT: TextBounceFormat = { name: 'Trend Micro InterScan', detect, recipients };
