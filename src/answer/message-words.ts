import { reporterWords } from '../extract/reporter-words.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import { firstHeader, type HeaderMap } from '../mime/header-map.ts';
import { htmlToText } from '../mime/html-to-text.ts';
import { MESSAGE_TYPES, type MimePart } from '../mime/mime-part.ts';
import { normalizeRaw } from '../mime/normalize-raw.ts';
import { partText } from '../mime/part-text.ts';
import { newWalkState } from '../mime/walk-limits.ts';
import { walkMime } from '../mime/walk-mime.ts';
import { DEFAULT_LIMITS, type ParseLimits } from '../parse/parse-options.ts';

/** Bytes of a stored message read for the conversation (the page's message view and the raw .eml have all of it). */
const MAX_READ = 1024 * 1024;
/** Characters of one message's text kept for the conversation. */
const MAX_TEXT = 50_000;

/** What a person wrote in one message: their own words, and the quoted earlier messages below them. */
export interface MessageWords {
  /** Their own words (above the first forward or quote marker). */
  own: string;
  /** The forwarded or quoted text below them, or null when there is none. */
  quoted: string | null;
  subject: string | null;
  /** The top-level header block (loop guards read it). */
  headers: HeaderMap;
}

/**
 * Splits a message's text into the writer's own words and the quoted rest, at the first line the
 * extraction stage treats as the start of a forwarded or quoted original (reporterWords' markers).
 */
export function splitQuoted(text: string): { own: string; quoted: string | null } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  // A non-empty line that reporterWords drops entirely is a marker line.
  const at = lines.findIndex((l) => l.trim() !== '' && reporterWords(l) === '');
  if (at < 0) return { own: text.trim(), quoted: null };
  const quoted = lines.slice(at).join('\n').trim();
  return { own: lines.slice(0, at).join('\n').trim(), quoted: quoted || null };
}

const isAttachment = (part: MimePart): boolean =>
  /^\s*attachment\b/i.test(firstHeader(part.headers, 'content-disposition') ?? '');

/** The first text/plain part of the message's own parts (else its first HTML part as text); never throws. */
function bodyText(root: MimePart): string {
  let plain: string | null = null;
  let htmlText: string | null = null;
  const visit = (part: MimePart): void => {
    if (plain !== null || MESSAGE_TYPES.has(part.type) || isAttachment(part)) return;
    if (part.type.startsWith('multipart/')) {
      for (const c of part.children) visit(c);
      return;
    }
    try {
      if (part.type === 'text/plain') plain = partText(part);
      else if (part.type === 'text/html' && htmlText === null) htmlText = htmlToText(partText(part));
    } catch {
      // An undecodable part shows nothing rather than failing the page.
    }
  };
  visit(root);
  return (plain ?? htmlText ?? '').slice(0, MAX_TEXT);
}

/**
 * A stored message's words for the conversation, read with the bounded MIME walker (hostile structure
 * costs at most the parse bounds). Never throws on malformed input.
 */
export function messageWords(raw: Buffer, limits: ParseLimits = DEFAULT_LIMITS): MessageWords {
  const state = newWalkState(limits);
  const root = walkMime(normalizeRaw(raw.subarray(0, MAX_READ)), state);
  const subject = firstHeader(root.headers, 'subject');
  return {
    ...splitQuoted(bodyText(root)),
    subject: subject === null ? null : decodeHeaderValue(subject),
    headers: root.headers,
  };
}
