import libmime from 'libmime';

const EIGHT_BIT = /[\x80-\xff]/;

/**
 * Turns a raw (latin1 "binary") header value into text: raw 8-bit bytes are read as UTF-8 (RFC 6532),
 * and RFC 2047 encoded words are decoded in any charset libmime knows (ISO-2022-JP included).
 */
export function decodeHeaderValue(raw: string): string {
  let v = raw;
  if (EIGHT_BIT.test(v)) v = Buffer.from(v, 'latin1').toString('utf8');
  if (v.includes('=?')) {
    try {
      v = libmime.decodeWords(v);
    } catch {
      // An undecodable encoded word stays as written: better than losing the header.
    }
  }
  return v;
}
