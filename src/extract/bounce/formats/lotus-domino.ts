import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { addressLine, firstAddress, header, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * HCL (formerly IBM/Lotus) Domino: "Your message / Subject: … / was not delivered to: / <addresses> /
 * because: / <reason>", the subject "DELIVERY FAILURE: …"; the reason may be localized (Japanese servers write
 * "… Domino ディレクトリには見つかりません"). Several "was not delivered to:" blocks may follow one another.
 */
export const DOMINO_FORMAT: TextBounceFormat = {
  name: 'Lotus Domino',
  detect(input: TextBounceInput): boolean {
    if (!/^[ \t]*was not delivered to:[ \t]*$/im.test(input.text)) return false;
    return /^DELIVERY[ _]FAILURE/i.test(input.subject) || /^[ \t]*because:[ \t]*$/im.test(input.text);
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const lines = linesOf(input.text);
    const found: TextBounceRecipient[] = [];
    let pending: string[] = [];
    let state: 'none' | 'to' | 'because' = 'none';
    let reason: string[] = [];
    const flush = (): void => {
      for (const recipient of pending) found.push({ recipient, diagnostic: tidy(reason.join(' ')) });
      pending = [];
      reason = [];
    };
    for (const line of lines) {
      const trimmed = line.trim();
      if (/^was not delivered to:$/i.test(trimmed)) {
        if (state === 'because') flush();
        state = 'to';
        continue;
      }
      if (/^because:$/i.test(trimmed)) {
        state = 'because';
        continue;
      }
      if (/^Your message$/i.test(trimmed)) {
        if (state === 'because') flush();
        state = 'none';
        continue;
      }
      if (state === 'to' && trimmed !== '') {
        const address = addressLine(trimmed) ?? firstAddress(trimmed);
        if (address !== null) pending.push(address);
      } else if (state === 'because' && trimmed !== '') {
        if (reason.length < 10) reason.push(trimmed);
      }
    }
    flush();
    return found;
  },
};

/**
 * HCL (Lotus) Notes router: subject "Undeliverable message", a "------- Failure Reasons --------" section with the
 * reason ("User not listed in public Name & Address Book") and each failed address alone on a line, then
 * "------- Returned Message --------".
 */
export const NOTES_FORMAT: TextBounceFormat = {
  name: 'Lotus Notes',
  detect(input: TextBounceInput): boolean {
    return (
      /^-{3,} ?Failure Reasons ?-{3,}/m.test(input.text) ||
      (/^Undeliverable message/i.test(input.subject) &&
        /Failure Reasons/.test(input.text) &&
        header(input, 'subject') !== '')
    );
  },
  recipients(input: TextBounceInput): TextBounceRecipient[] {
    const lines = linesOf(input.bodyText, /^-{3,} ?Returned Message ?-{3,}/m);
    const start = lines.findIndex((line) => /Failure Reasons/.test(line));
    const found: TextBounceRecipient[] = [];
    const reason: string[] = [];
    for (const line of lines.slice(start + 1)) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('-')) continue;
      const address = addressLine(trimmed);
      if (address !== null) found.push({ recipient: address, diagnostic: null });
      else if (reason.length < 10) reason.push(trimmed);
    }
    const diagnostic = tidy(reason.join(' '));
    return found.map((entry) => ({ ...entry, diagnostic }));
  },
};
