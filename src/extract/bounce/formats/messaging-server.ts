import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { addressLine, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Oracle (Sun, iPlanet) Communications Messaging Server: "This report relates to a message you sent with the
 * following header fields:", then per recipient "  Recipient address: …", "  Original address: …",
 * "  Reason: …", "  Diagnostic code: smtp;550 …", "  Remote system: dns;host (TCP|…)". Read here when the
 * message/delivery-status part is missing or damaged.
 */
export const MESSAGING_SERVER_FORMAT: TextBounceFormat = {
  name: 'Oracle Messaging Server',
  detect(input: TextBounceInput): boolean {
    return (
      /This report relates to a message you sent with the following header fields:/.test(input.text) &&
      /^[ \t]+Recipient address:/m.test(input.text)
    );
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const found: (TextBounceRecipient & { parts: string[] })[] = [];
    let current: (TextBounceRecipient & { parts: string[] }) | null = null;
    for (const line of linesOf(input.text)) {
      const field =
        /^[ \t]+(Recipient address|Original address|Reason|Diagnostic code|Remote system):[ \t]*(.*)$/i.exec(
          line,
        );
      if (field === null) continue;
      const name = field[1]!.toLowerCase();
      const value = field[2]!.trim();
      if (name === 'recipient address' || name === 'original address') {
        const address = addressLine(value.replace(/^@[^:]+:/, ''));
        if (address === null) continue;
        // "Original address" after "Recipient address" names the same recipient as the ESP addressed it.
        if (current !== null && name === 'original address' && current.parts.length === 0) {
          current.recipient = address;
          continue;
        }
        current = { recipient: address, diagnostic: null, parts: [] };
        found.push(current);
      } else if (current !== null) {
        if (name === 'diagnostic code') current.parts.unshift(value.replace(/^[A-Za-z-]+;\s*/, ''));
        else if (name === 'reason') current.parts.push(value);
        else current.remoteMta = /^dns;\s*([^\s(]+)/i.exec(value)?.[1] ?? null;
      }
    }
    return found.map(({ parts, ...entry }) => ({ ...entry, diagnostic: tidy(parts.join(' ')) }));
  },
};
