import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import { ADDRESS, header, headers, linesOf, tidy } from './provider-layout.ts';
import type { TextBounceFormat, TextBounceInput } from './text-bounce-format.ts';

/**
 * au by KDDI (EZweb, ezweb.ne.jp / au.com) returned-mail notices: From Postmaster@ezweb.ne.jp or
 * Postmaster@au.com, Subject "Mail System Error - Returned Mail", a Japanese (ISO-2022-JP) paragraph, one
 * English reason line and the recipients either as "<addr>" / "<addr>: 550 …" lines or as a
 * "Recipient: <addr>" block with the ">>> RCPT TO" / "<<< 550 …" transcript.
 */
const SENDER = /postmaster@(?:ezweb\.ne\.jp|au\.com)\b/i;
const HOSTS = /\.ezweb\.ne\.jp\b|\.au\.com\b/i;
const RECIPIENT_LINE = new RegExp(String.raw`^\s*(?:Recipient:\s*)?<(${ADDRESS})>:?\s*(.*)$`);
const STOP = /^(?:-{20,}|Content-Type: message\/rfc822)/m;

/** The English reason sentences au writes, with the status each stands for (a returned message is final). */
const REASONS: readonly (readonly [RegExp, string])[] = [
  [/account is disabled|account is temporarily limited/i, '5.2.1'],
  [/account is temporarily over quota/i, '5.2.2'],
  [/was not delivered within \d+ days?/i, '5.4.7'],
  [/rejected by a remote mail server/i, '5.0.0'],
];

function detect(input: TextBounceInput): boolean {
  if (SENDER.test(input.from)) return true;
  if (input.subject.trim() !== 'Mail System Error - Returned Mail') return false;
  return (
    HOSTS.test(header(input, 'message-id')) || headers(input, 'received').some((value) => HOSTS.test(value))
  );
}

function recipients(input: TextBounceInput): TextBounceRecipient[] {
  const lines = linesOf(input.text, STOP);
  const general: string[] = [];
  const found: { recipient: string; lines: string[] }[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const match = RECIPIENT_LINE.exec(trimmed);
    if (match !== null && !/^>>>|^<<</.test(trimmed)) {
      const existing = found.find((entry) => entry.recipient.toLowerCase() === match[1]!.toLowerCase());
      if (existing === undefined) found.push({ recipient: match[1]!, lines: match[2] ? [match[2]] : [] });
      else if (match[2]) existing.lines.push(match[2]);
      continue;
    }
    if (/^(?:>>>|<<<)/.test(trimmed) && found.length > 0) {
      // The SMTP transcript belongs to the recipient above it; the reply ("<<< 550 …") is the diagnostic.
      if (trimmed.startsWith('<<<')) found[found.length - 1]!.lines.push(trimmed.slice(3).trim());
      continue;
    }
    // Reason sentences (English after the Japanese explanation) apply to every recipient.
    if (found.length === 0) general.push(trimmed);
  }
  const spasign = header(input, 'x-spasign').trim().toUpperCase() === 'NG';
  const reasonText = general.join(' ');
  const stated = REASONS.find(([pattern]) => pattern.test(reasonText))?.[1] ?? null;
  return found.map((entry) => {
    const own = entry.lines.join(' ');
    const english = general.filter((line) => /^[\x20-\x7e]+$/.test(line)).join(' ');
    const diagnostic = tidy(own !== '' ? `${own} ${english}` : english !== '' ? english : reasonText);
    // X-SPASIGN: NG marks a message au's spam filter refused.
    const status = spasign ? '5.7.1' : own !== '' ? null : stated;
    return { recipient: entry.recipient, diagnostic, status };
  });
}

export const AU_EZWEB_FORMAT: TextBounceFormat = { name: 'au (EZweb)', detect, recipients };
