import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, headers, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * MailFoundry: Subject "Message delivery has failed", a Received header "(MAILFOUNDRY) id", then per recipient
 * "Unable to deliver message to: <addr>" / "Delivery failed for the following reason:" /
 * "Server mx.example.org[192.0.2.1] failed with: 550 …" / "This has been a permanent failure. …".
 */
const TARGET = new RegExp(String.raw`^Unable to deliver message to:\s*<(${ADDRESS})>`);
const SERVER = /^Server ([A-Za-z0-9][A-Za-z0-9.-]*)\s*\[[^\]]{1,64}\] failed with:/;

function detect(input: TextBounceInput): boolean {
  const layout = TARGET.test(input.text.trimStart()) || /^Unable to deliver message to: </m.test(input.text);
  if (!layout || !/Delivery failed for the following reason:/.test(input.text)) return false;
  return (
    input.subject.trim() === 'Message delivery has failed' ||
    headers(input, 'received').some((value) => value.includes('(MAILFOUNDRY)'))
  );
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const found: { recipient: string; lines: string[]; remote: string | null; temporary: boolean }[] = [];
  let reading = false;
  for (const line of linesOf(input.text, /^Content-Type: message\/rfc822/m)) {
    const target = TARGET.exec(line);
    if (target !== null) {
      found.push({ recipient: target[1]!, lines: [], remote: null, temporary: false });
      reading = false;
      continue;
    }
    const current = found[found.length - 1];
    if (current === undefined) continue;
    if (line === 'Delivery failed for the following reason:') {
      reading = true;
      continue;
    }
    if (/temporary failure|will (?:continue|keep) trying/i.test(line)) current.temporary = true;
    if (!reading) continue;
    if (line.trim() === '' || line.startsWith('-')) {
      reading = false;
      continue;
    }
    current.remote ??= SERVER.exec(line)?.[1]?.toLowerCase() ?? null;
    current.lines.push(line);
  }
  return found.map((entry) => ({
    recipient: entry.recipient,
    diagnostic: tidy(entry.lines.join(' ')),
    remoteMta: entry.remote,
    action: entry.temporary ? ('delayed' as const) : ('failed' as const),
  }));
}

export const MAIL_FOUNDRY_FORMAT: TextBounceFormat = { name: 'MailFoundry', detect, recipients };
