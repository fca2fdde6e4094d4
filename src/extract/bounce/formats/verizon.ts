import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { firstAddress, linesOf, originalTo, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Verizon Wireless SMS/MMS gateways (vtext.com, vzwpix.com): From post_master@vtext.com or
 * sysadmin@…vzwpix.com, an "Error: …" text, and the recipient only in the original ("Original Message:")
 * or in "Message details:" as "RCPT TO: addr".
 */
const SENDER = /post_master@vtext\.com|sysadmin@[A-Za-z0-9.-]*vzwpix\.com/i;
const BOUNDARY = /^(?:Original Message:|Message details:)/m;

function detect(input: TextBounceInput): boolean {
  return SENDER.test(input.from) && /^Error: /m.test(input.bodyText);
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const errors: string[] = [];
  let reading = false;
  for (const line of linesOf(input.bodyText, BOUNDARY)) {
    if (line.startsWith('Error: ')) reading = true;
    if (reading && line.trim() !== '') errors.push(line.trim());
  }
  const at = BOUNDARY.exec(input.bodyText);
  const original = at === null ? '' : input.bodyText.slice(at.index, at.index + 8000);
  const rcpt = /^\s*RCPT TO:\s*([^\n]{1,300})$/im.exec(original)?.[1];
  const recipient =
    (rcpt === undefined ? null : firstAddress(rcpt)) ?? originalTo(original.replace(/^[ \t]+/gm, ''));
  return recipient === null ? [] : [{ recipient, diagnostic: tidy(errors.join(' ')) }];
}

export const VERIZON_FORMAT: TextBounceFormat = { name: 'Verizon', detect, recipients };
