import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Novell/Micro Focus GroupWise Internet Agent: "The message that you sent was undeliverable to the following:"
 * followed by indented "user@example.org (reason)" lines; "Possible causes:" ends the list.
 */
const HEADING = /The message that you sent was undeliverable to the following:?/i;
const ENTRY = new RegExp(String.raw`^[ \t]+<?(${ADDRESS})>?[ \t]*(?:\(([^)\n]{0,300})\))?[ \t]*$`);

export const GROUPWISE_FORMAT: TextBounceFormat = {
  name: 'GroupWise',
  detect(input: TextBounceInput): boolean {
    return HEADING.test(input.text);
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const lines = linesOf(input.text);
    const start = lines.findIndex((line) => HEADING.test(line));
    const found: TextBounceRecipient[] = [];
    for (const line of lines.slice(start + 1)) {
      if (line.trim() === '') {
        if (found.length > 0) break;
        continue;
      }
      const match = ENTRY.exec(line);
      if (match === null) break;
      found.push({ recipient: match[1]!, diagnostic: tidy(match[2]) });
    }
    return found;
  },
};
