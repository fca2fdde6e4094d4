import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/** Layouts of MTAs that do not name themselves, each with sentences no other MTA writes. */

/** "---The following addresses had delivery errors---" then "user@example.org [reason]" lines. */
export const DELIVERY_ERRORS_LIST_FORMAT: TextBounceFormat = {
  name: 'unidentified MTA (delivery errors list)',
  detect(input: TextBounceInput): boolean {
    return /^-{2,} ?The following addresses had delivery errors ?-{2,}/m.test(input.text);
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const entry = new RegExp(String.raw`^[ \t]*<?(${ADDRESS})>?[ \t]+\[([^\]\n]{0,300})\]`);
    return linesOf(input.text).flatMap((line) => {
      const match = entry.exec(line);
      return match === null ? [] : [{ recipient: match[1]!, diagnostic: tidy(match[2]) }];
    });
  },
};

/** "Delivery to the following recipients failed permanently:" with "  * user@example.org" and "Technical details:". */
export const STARRED_LIST_FORMAT: TextBounceFormat = {
  name: 'unidentified MTA (technical details)',
  detect(input: TextBounceInput): boolean {
    return /^[ \t]*Technical details:[ \t]*$/m.test(input.text) && /^[ \t]+\* \S+@/m.test(input.text);
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const lines = linesOf(input.text);
    const star = new RegExp(String.raw`^[ \t]+\*[ \t]+<?(${ADDRESS})>?[ \t]*$`);
    const addresses = lines.flatMap((line) => star.exec(line)?.[1] ?? []);
    const details = lines.filter((line) => /^(?:SMTP:|Routing:)/.test(line));
    return addresses.map((recipient) => {
      const own = details.find((line) => line.toLowerCase().includes(recipient.toLowerCase()));
      const text = own ?? (addresses.length === 1 ? details.join(' ') : null);
      const host = text === null ? null : (/\bhost ([A-Za-z0-9.-]+):/.exec(text)?.[1] ?? null);
      return { recipient, diagnostic: tidy(text), remoteMta: host };
    });
  },
};

/** "We had trouble delivering your message. Full details follow:" with "SMTP Server <host> rejected recipient <user@…>". */
export const TROUBLE_DELIVERING_FORMAT: TextBounceFormat = {
  name: 'unidentified MTA (trouble delivering)',
  detect(input: TextBounceInput): boolean {
    return /We had trouble delivering your message\. Full details follow:/.test(input.text);
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const rejected = new RegExp(
      String.raw`SMTP Server <([^>\s]{1,255})> rejected recipient <(${ADDRESS})>(.*)$`,
    );
    const permanent = /The following recipients returned permanent errors: (.*)$/;
    const found: TextBounceRecipient[] = [];
    for (const line of linesOf(input.text)) {
      const match = rejected.exec(line);
      if (match !== null) {
        const reply = /responded as follows: \[([^\]]*)\]/.exec(match[3]!)?.[1];
        found.push({
          recipient: match[2]!,
          diagnostic: tidy(reply ?? line),
          remoteMta: match[1]!.toLowerCase(),
        });
        continue;
      }
      const listed = permanent.exec(line);
      if (listed === null) continue;
      for (const address of listed[1]!.split(/[,\s]+/)) {
        const clean = address.replace(/^<|>?\.?$/g, '');
        if (new RegExp(`^${ADDRESS}$`).test(clean)) found.push({ recipient: clean, diagnostic: tidy(line) });
      }
    }
    return found;
  },
};
