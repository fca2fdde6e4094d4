import { headerValue } from '../intake/header-value.ts';

/** The ticket id a reply names: Subject first, then In-Reply-To and References (our acknowledgement's Message-ID carries it). */
export function replyTicketId(raw: Buffer, pattern: RegExp): string | null {
  for (const name of ['subject', 'in-reply-to', 'references']) {
    const m = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(headerValue(raw, name) ?? '');
    if (m) return m[0].toUpperCase();
  }
  return null;
}
