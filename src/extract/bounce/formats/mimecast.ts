import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { addressLine, header, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Mimecast: Subject "[Postmaster] Email Delivery Failure" (Message-ID at *.mimecast.lan), a text where each
 * item starts with "-- ": the failed addresses ("-- user@example.org") and the explanation lines
 * ("-- Recipient email address is possibly incorrect", "-- 5.4.1 Recipient address rejected: …").
 */
function detect(input: TextBounceInput): boolean {
  const mimecast =
    /Email Delivery Failure/i.test(input.subject) || /\.mimecast\.lan>/i.test(header(input, 'message-id'));
  return mimecast && /^-- \S+@\S+$/m.test(input.text);
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const found: { recipient: string; lines: string[] }[] = [];
  const all: string[] = [];
  for (const line of linesOf(input.text, /^Content-Type: message\/rfc822/m)) {
    if (!line.startsWith('-- ')) continue;
    const item = line.slice(3).trim();
    const address = addressLine(item);
    if (address !== null) found.push({ recipient: address, lines: [] });
    else if (found.length > 0) {
      found[found.length - 1]!.lines.push(item);
      all.push(item);
    }
  }
  // The explanation usually follows the last address and covers all of them.
  return found.map((entry) => ({
    recipient: entry.recipient,
    diagnostic: tidy((entry.lines.length > 0 ? entry.lines : all).join(' ')),
  }));
}

export const MIMECAST_FORMAT: TextBounceFormat = { name: 'Mimecast', detect, recipients };
