import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, header, headers, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * au one net / KDDI (dion.ne.jp, auone-net.jp) error notices: Subject "メールエラー通知", From no-reply@…dion.ne.jp
 * or Reply-To no-reply@app.auone-net.jp, a Japanese paragraph, then per recipient
 * "Your mail sent on: <date>" / "Could not be delivered to: <addr>" / "As their mailbox is full."
 */
const KDDI_HOSTS = /dion\.ne\.jp|auone-net\.jp|ezweb\.ne\.jp|\.au\.com\b|kddi\.com/i;
const START = /Your mail (?:sent on|attempted to be delivered on):/;
const TARGET = new RegExp(String.raw`Could not be delivered to:\s*<(${ADDRESS})>`);

const REASONS: readonly (readonly [RegExp, string])[] = [
  [/mailbox is full/i, '5.2.2'],
  [/remote domain doesn'?t exist/i, '5.1.2'],
  [/SMTP relay error/i, '5.7.1'],
];

function detect(input: TextBounceInput): boolean {
  if (!START.test(input.text) || !TARGET.test(input.text)) return false;
  const where = [
    input.from,
    header(input, 'reply-to'),
    header(input, 'message-id'),
    ...headers(input, 'received'),
  ];
  return where.some((value) => KDDI_HOSTS.test(value));
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const found: { recipient: string; lines: string[] }[] = [];
  for (const line of linesOf(input.text, /^Content-Type: message\/rfc822/m)) {
    const target = TARGET.exec(line);
    if (target !== null) {
      found.push({ recipient: target[1]!, lines: [] });
      continue;
    }
    // The reason is the indented line(s) under the address.
    if (found.length > 0 && /^\s+\S/.test(line)) found[found.length - 1]!.lines.push(line);
    else if (found.length > 0 && START.test(line)) continue;
  }
  return found.map((entry) => {
    const diagnostic = tidy(entry.lines.join(' '));
    const status = REASONS.find(([pattern]) => pattern.test(diagnostic ?? ''))?.[1] ?? null;
    return { recipient: entry.recipient, diagnostic, status };
  });
}

export const AU_KDDI_FORMAT: TextBounceFormat = { name: 'au one net (KDDI)', detect, recipients };
