import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * Deutsche Telekom / T-Online (a Smail 3 descendant): banner lines
 * "|------------------------- Failed addresses follow: ---------------------|", " <addr>" with the remote
 * reply indented below ("   552 5.2.2 … Quota exceeded"), or Smail's " addr ... failed: reason"; then
 * "|------------------------- Message header follows: ----------------------|" (or "Message text follows:").
 */
const FAILED = /^\|?-{5,} Failed addresses follow: -{5,}\|?\s*$/m;
const STOP = /^\|?-{5,} Message (?:header|text) follows: -{5,}\|?\s*$/m;
const ANGLE = new RegExp(String.raw`^\s<(${ADDRESS})>\s*$`);
const SMAIL = new RegExp(String.raw`^\s*(${ADDRESS}) \.\.\. (.*)$`);

function detect(input: TextBounceInput): boolean {
  return FAILED.test(input.text);
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const start = FAILED.exec(input.text);
  if (start === null) return [];
  const log = input.text.slice(0, start.index);
  const logText = /Message log follows:/.test(log) ? log.replace(/^\|?-+[^\n]*-+\|?$/gm, '') : '';
  const found: { recipient: string; lines: string[] }[] = [];
  for (const line of linesOf(input.text.slice(start.index + start[0].length), STOP)) {
    const angle = ANGLE.exec(line);
    const smail = angle === null ? SMAIL.exec(line) : null;
    if (angle !== null) found.push({ recipient: angle[1]!, lines: [] });
    else if (smail !== null) found.push({ recipient: smail[1]!, lines: [smail[2]!] });
    else if (found.length > 0 && line.trim() !== '') found[found.length - 1]!.lines.push(line);
  }
  return found.map((entry) => ({
    recipient: entry.recipient,
    diagnostic: tidy(entry.lines.length > 0 ? entry.lines.join(' ') : logText),
  }));
}

export const DEUTSCHE_TELEKOM_FORMAT: TextBounceFormat = {
  name: 'Deutsche Telekom (T-Online)',
  detect,
  recipients,
};
