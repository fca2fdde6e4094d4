/**
 * Undoes a Content-Transfer-Encoding (RFC 2045 §6). Input and output are latin1 "binary" strings,
 * so one character is one byte. Unknown encodings pass through unchanged.
 */
export function decodeTransfer(body: string, encoding: string | null): string {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/]/g, ''), 'base64').toString('latin1');
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/** RFC 2045 §6.7: soft line breaks `=\n` vanish, `=XX` is a byte; malformed `=` stays literal. */
function decodeQuotedPrintable(body: string): string {
  const s = body.replace(/[ \t]+\n/g, '\n').replace(/=\n/g, '');
  if (!s.includes('=')) return s;
  let out = '';
  let last = 0;
  for (let i = s.indexOf('='); i >= 0; i = s.indexOf('=', i + 1)) {
    const hex = s.slice(i + 1, i + 3);
    if (HEX.test(hex)) {
      out += s.slice(last, i) + String.fromCharCode(parseInt(hex, 16));
      last = i + 3;
      i += 2;
    }
  }
  return out + s.slice(last);
}
