import type { HeaderMap } from './header-map.ts';

/** One node of the MIME tree. Text is kept as latin1 "binary" strings (one char = one byte) until decoded. */
export interface MimePart {
  headers: HeaderMap;
  /** The raw header block, LF line endings. */
  rawHeaders: string;
  /** Lower-cased media type; RFC 2045 §5.2 default text/plain (message/rfc822 inside multipart/digest). */
  type: string;
  params: Record<string, string>;
  /** Body as transmitted (still transfer-encoded). */
  body: string;
  /** Multipart children; for an enclosed message (message/rfc822 and kin) the one enclosed message. */
  children: MimePart[];
  depth: number;
  /** This part is an enclosed message given as headers only (text/rfc822-headers and misspellings). */
  headersOnly: boolean;
}

/** Media types that carry a whole enclosed message. */
export const MESSAGE_TYPES = new Set(['message/rfc822', 'message/global', 'message/partial-rfc822']);

/** Media types that carry only the header block of a message (RFC 6522 §4 plus misspellings seen in real reports). */
export const HEADERS_ONLY_TYPES = new Set([
  'text/rfc822-headers',
  'text/rfc822-header',
  'message/rfc822-headers',
  'message/rfc822-header',
  'message/global-headers',
  'text/rfc822-headers-only',
]);
