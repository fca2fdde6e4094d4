import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, header, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * fml mailing-list manager rejections (X-MLServer: fml …, sent from the list's "-admin" address): the list
 * refused the post ("You are not a member of this mailing list <list@example.org>.", "NOT MEMBER article
 * from …"); the address in angle brackets is the list that rejected it. "Original mail as follows:" ends the notice.
 */
const STOP = /^Original mail as follows:/m;
const BRACKETED = new RegExp(String.raw`<(${ADDRESS})>`);

export const FML_FORMAT: TextBounceFormat = {
  name: 'fml',
  detect(input: TextBounceInput): boolean {
    if (!/^fml\b/i.test(header(input, 'x-mlserver'))) return false;
    return /-admin@/i.test(input.from) || /\.FML/i.test(header(input, 'message-id'));
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const lines = linesOf(input.bodyText, STOP).filter((line) => line.trim() !== '');
    const found: TextBounceRecipient[] = [];
    for (const line of lines) {
      const match = BRACKETED.exec(line);
      if (match !== null) found.push({ recipient: match[1]!, diagnostic: tidy(`${line} ${input.subject}`) });
    }
    return found;
  },
};
