import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { addressLine, header, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Digital Arts m-FILTER: X-Mailer "m-FILTER", Subject "failure notice", a Japanese paragraph, the failed
 * addresses on lines of their own, then "-------server message" (the remote reply) and "-------SMTP command".
 */
const STOP = /^-------original (?:message|mail info)/m;

function detect(input: TextBounceInput): boolean {
  return (
    header(input, 'x-mailer').trim().toLowerCase() === 'm-filter' &&
    /^-------(?:server message|SMTP command)/m.test(input.bodyText)
  );
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const addresses: string[] = [];
  let reply: string | null = null;
  let inReply = false;
  for (const line of linesOf(input.bodyText, STOP)) {
    if (line === '-------server message') {
      inReply = true;
      continue;
    }
    if (line.startsWith('-------')) {
      inReply = false;
      continue;
    }
    if (inReply && line.trim() !== '' && reply === null) {
      reply = line.trim();
      inReply = false;
      continue;
    }
    const address = addressLine(line);
    if (address !== null && !/\s/.test(line.trim())) addresses.push(address);
  }
  return addresses.map((recipient) => ({ recipient, diagnostic: tidy(reply) }));
}

export const M_FILTER_FORMAT: TextBounceFormat = { name: 'm-FILTER', detect, recipients };
