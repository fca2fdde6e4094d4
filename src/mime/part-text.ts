import { decodeHeaderValue } from './decode-header-value.ts';
import { decodeText } from './decode-text.ts';
import { decodeTransfer } from './decode-transfer.ts';
import { firstHeader } from './header-map.ts';
import type { MimePart } from './mime-part.ts';

/** The part's body as text: transfer decoding, then its charset (RFC 2046 §4.1.2). */
export function partText(part: MimePart): string {
  const bytes = decodeTransfer(part.body, firstHeader(part.headers, 'content-transfer-encoding'));
  return decodeText(Buffer.from(bytes, 'latin1'), part.params.charset);
}

/** A header of the part, decoded (encoded words, 8-bit UTF-8), or null. */
export function partHeader(part: MimePart, name: string): string | null {
  const v = firstHeader(part.headers, name);
  return v === null ? null : decodeHeaderValue(v);
}
