import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Sendmail (8.x and the old V5 "Returned mail:" notices) read from the text when no delivery-status part can be
 * read: the list under "----- The following addresses had permanent fatal errors -----" ("<user@example.org>"
 * with an indented "(reason: 550 …)") and the "----- Transcript of session follows -----" ("... while talking to
 * host.:", ">>> RCPT To:<user@example.org>", "<<< 550 5.1.1 …", "550 5.1.1 <user@example.org>... User unknown").
 */
// Three dashes suffice to anchor it, and keep a long run of dashes from costing quadratic time.
const TRANSCRIPT = /--- ?Transcript of session follows ?---/i;
const FATAL_LIST = /The following addresses had (permanent fatal|transient non-fatal) errors/i;
const STOP =
  /^[ \t]*-{3,} ?(?:Unsent message follows|No message was collected|Original message follows|Message header follows|Below this line is a copy)/im;
/** "550 5.1.1 <user@example.org>... User unknown" (angle brackets optional). */
const VERDICT = new RegExp(
  String.raw`^[ \t]*(\d{3})[ -](?:[245]\.\d{1,3}\.\d{1,3}[ \t]+)?<?(${ADDRESS})>?\.\.\.[ \t]*(.*)$`,
);
const RCPT = new RegExp(String.raw`^>>>[ \t]*RCPT[ \t]+TO:[ \t]*<?(${ADDRESS})>?`, 'i');
const TALKING = /while talking to \[?([A-Za-z0-9.-]+?)\]?\.?:/i;
const LISTED = new RegExp(String.raw`^[ \t]*<?(${ADDRESS})>?[ \t]*(?:\([^)]*\))?[ \t]*$`);

interface Entry extends TextBounceRecipient {
  reply: string | null;
  verdict: string | null;
  reason: string | null;
}

export const SENDMAIL_FORMAT: TextBounceFormat = {
  name: 'Sendmail',
  detect(input: TextBounceInput): boolean {
    return (
      TRANSCRIPT.test(input.text) || (FATAL_LIST.test(input.text) && /^[ \t]*\(reason: /m.test(input.text))
    );
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const lines = linesOf(input.bodyText, STOP);
    const entries = new Map<string, Entry>();
    const entry = (address: string): Entry => {
      const key = address.toLowerCase();
      let found = entries.get(key);
      if (found === undefined) {
        found = { recipient: address, diagnostic: null, reply: null, verdict: null, reason: null };
        entries.set(key, found);
      }
      return found;
    };
    const transient =
      /The following addresses had transient non-fatal errors/i.test(input.text) &&
      !/permanent fatal errors/i.test(input.text);
    let inList = false;
    let host: string | null = null;
    let pendingRcpt: Entry | null = null;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (FATAL_LIST.test(line)) {
        inList = true;
        continue;
      }
      if (TRANSCRIPT.test(line)) {
        inList = false;
        continue;
      }
      if (inList) {
        const listed = LISTED.exec(line);
        if (listed !== null && line.includes('@')) {
          const item = entry(listed[1]!);
          const reason = /^[ \t]+\(reason: (.*?)\)?$/.exec(lines[i + 1] ?? '');
          if (reason !== null) item.reason ??= reason[1]!;
          continue;
        }
        if (line.trim() === '' || /^[ \t]+\(/.test(line)) continue;
        inList = false;
      }
      const talking = TALKING.exec(line);
      if (talking !== null) {
        host = talking[1]!.toLowerCase();
        continue;
      }
      const rcpt = RCPT.exec(line);
      if (rcpt !== null) {
        pendingRcpt = entry(rcpt[1]!);
        pendingRcpt.remoteMta ??= host;
        continue;
      }
      if (/^<<<[ \t]*[45]\d\d/.test(line) && pendingRcpt !== null) {
        pendingRcpt.reply ??= line.replace(/^<<<[ \t]*/, '');
        pendingRcpt = null;
        continue;
      }
      if (/^>>>/.test(line)) pendingRcpt = null;
      const verdict = VERDICT.exec(line);
      if (verdict !== null && /^[45]/.test(verdict[1]!)) {
        const item = entry(verdict[2]!);
        item.verdict ??= line.trim();
        item.remoteMta ??= host;
      }
    }
    return [...entries.values()].map(({ reply, verdict, reason, ...item }) => {
      const recipient: TextBounceRecipient = { ...item, diagnostic: tidy(reply ?? reason ?? verdict) };
      if (transient) recipient.action = 'delayed';
      return recipient;
    });
  },
};
