import charset from 'libmime/lib/charset.js';

/** Decodes body bytes in the declared charset; unknown charsets fall back to UTF-8 (never throws). */
export function decodeText(bytes: Buffer, charsetName: string | undefined): string {
  const cs = (charsetName ?? '').trim().toLowerCase();
  if (cs === '' || cs === 'utf-8' || cs === 'utf8' || cs === 'us-ascii' || cs === 'ascii')
    return bytes.toString('utf8');
  try {
    return charset.decode(bytes, cs);
  } catch {
    return bytes.toString('utf8');
  }
}
