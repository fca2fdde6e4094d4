import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { firstAddress, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Apache James (its bounce mailets): an optional "Error: …" line, "Error message below:" with the remote reply,
 * then "Message details:" listing "  RCPT TO: user@example.org" per failed recipient. The subject is often the
 * original's with "Re:" and the sender need not be MAILER-DAEMON, so only this body layout identifies it.
 */
export const APACHE_JAMES_FORMAT: TextBounceFormat = {
  name: 'Apache James',
  detect(input: TextBounceInput): boolean {
    return (
      /^Message details:[ \t]*$/m.test(input.text) &&
      /^[ \t]+RCPT TO:[ \t]*\S+@/m.test(input.text) &&
      /^Error message below:/m.test(input.text)
    );
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const lines = linesOf(input.text);
    const details = lines.findIndex((line) => /^Message details:/.test(line));
    const errorText: string[] = [];
    for (const line of lines.slice(0, details)) {
      if (line.trim() === '' || /^Error message below:/.test(line)) continue;
      if (errorText.length < 12) errorText.push(line.trim());
    }
    // The "Error message below:" reply first, the "Error: …" summary after it.
    const reply = errorText.filter((line) => !/^Error:/.test(line));
    const summary = errorText.filter((line) => /^Error:/.test(line));
    const diagnostic = tidy([...reply, ...summary].join(' '));
    return lines
      .slice(details + 1)
      .filter((line) => /^[ \t]+RCPT TO:/i.test(line))
      .map((line) => firstAddress(line.replace(/^[ \t]+RCPT TO:/i, '')))
      .filter((address): address is string => address !== null)
      .map((recipient) => ({ recipient, diagnostic }));
  },
};
