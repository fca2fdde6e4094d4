import type { MessageFacts } from './message-facts.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import type { HeaderMap } from '../mime/header-map.ts';
import type { MimePart } from '../mime/mime-part.ts';
import { messageFacts } from './message-facts.ts';

/** The reported message however it reached us: enclosed MIME, SES JSON headers, or an inline forward. */
export interface ReportedOriginal {
  headers: HeaderMap;
  /** Raw header text (searched for a trace token). */
  rawHeaders: string;
  bodyText: string;
  html: string;
  headersOnly: boolean;
}

/** The original as an enclosed MIME message. */
export function originalFromPart(part: MimePart): ReportedOriginal {
  const facts: MessageFacts = messageFacts(part);
  return {
    headers: part.headers,
    rawHeaders: decodeHeaderValue(part.rawHeaders),
    bodyText: facts.bodyText,
    html: facts.html,
    headersOnly: part.headersOnly,
  };
}

/**
 * Builds a HeaderMap from decoded name/value pairs (SES JSON, inline-forward header lines). Values are
 * stored as UTF-8 bytes in a latin1 string, the same form the MIME walker stores raw headers in.
 */
export function headerMapOf(pairs: [string, string | null | undefined][]): HeaderMap {
  const map: HeaderMap = new Map();
  for (const [name, value] of pairs) {
    if (value === null || value === undefined || value === '') continue;
    const key = name.toLowerCase();
    const raw = Buffer.from(value, 'utf8').toString('latin1');
    const list = map.get(key);
    if (list) list.push(raw);
    else map.set(key, [raw]);
  }
  return map;
}
