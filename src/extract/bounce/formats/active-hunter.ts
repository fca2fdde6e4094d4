import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, header, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * QUALITIA Active!hunter: an X-AHMailID header, Sendmail-like sections
 * ("----- The following addresses had permanent fatal errors -----", ">>> addr <addr>",
 * "----- Transcript of session follows -----" and the remote reply).
 */
const TARGET = new RegExp(String.raw`^>>>\s+<?(${ADDRESS})>?`);

function detect(input: TextBounceInput): boolean {
  return (
    header(input, 'x-ahmailid') !== '' &&
    /The following addresses had permanent fatal errors/.test(input.text)
  );
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const addresses: string[] = [];
  let reply: string | null = null;
  for (const line of linesOf(input.text, /^Content-Type: message\/rfc822/m)) {
    const target = TARGET.exec(line);
    if (target !== null) addresses.push(target[1]!);
    else if (addresses.length > 0 && reply === null && /^[0-9A-Za-z]/.test(line)) reply = line;
  }
  return addresses.map((recipient) => ({ recipient, diagnostic: tidy(reply) }));
}

export const ACTIVE_HUNTER_FORMAT: TextBounceFormat = { name: 'Active!hunter', detect, recipients };
