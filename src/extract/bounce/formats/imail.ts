import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { firstAddress, header, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Ipswitch/Progress IMail Server ("X-Mailer: <SMTP32 v…>", subject "Undeliverable Mail"): one line per failed
 * address, "Unknown user: user@example.org", "undeliverable to user@example.org", "Delivery failed 3 attempts:
 * user@example.org", "RCPT TO: <user@example.org>: " with the remote reply on the lines after it, an optional
 * "Body of message generated response:" block, then "Original message follows.".
 */
const STOP = /^Original message follows\./m;
const RECIPIENT_LINE =
  /^(?:([A-Za-z][A-Za-z0-9 ]{3,60}):[ \t]*<?([^\s<>]{1,128}@[^\s<>:]{1,255})>?:?[ \t]*$|undeliverable (?:to )?<?([^\s<>]{1,128}@[^\s<>]{1,255}?)>?\.?[ \t]*$)/i;

export const IMAIL_FORMAT: TextBounceFormat = {
  name: 'IMail',
  detect(input: TextBounceInput): boolean {
    if (header(input, 'x-mailer').startsWith('<SMTP32 v')) return true;
    if (!/^Undeliverable Mail\b/.test(input.subject) || !STOP.test(input.bodyText)) return false;
    return linesOf(input.bodyText, STOP).some((line) => RECIPIENT_LINE.test(line.trim()));
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const lines = linesOf(input.bodyText, STOP);
    const found: TextBounceRecipient[] = [];
    const generated: string[] = [];
    let inGenerated = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (/Body of message generated response:/i.test(line)) {
        inGenerated = true;
        continue;
      }
      const match = RECIPIENT_LINE.exec(line.trim());
      const address = match === null ? null : firstAddress(match[2] ?? match[3] ?? '');
      if (address !== null) {
        inGenerated = false;
        const text = [line.trim()];
        for (let j = i + 1; j < lines.length && j < i + 6 && /^[ \t]+\S/.test(lines[j]!); j++)
          text.push(lines[j]!.trim());
        found.push({ recipient: address, diagnostic: tidy(text.join(' ')) });
        continue;
      }
      if (inGenerated && line.trim() !== '' && generated.length < 10) generated.push(line.trim());
    }
    const extra = tidy(generated.join(' '));
    return extra === null
      ? found
      : found.map((entry) => ({ ...entry, diagnostic: tidy(`${extra} ${entry.diagnostic ?? ''}`) }));
  },
};
