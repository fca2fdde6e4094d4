/**
 * RFC 3463 enhanced status codes found in free text (SMTP replies quoted in DSNs and NDR bodies).
 * The look-arounds keep IP addresses (192.0.2.153) and version numbers (Exim 4.61) from matching.
 */
const CODE = String.raw`[245]\.\d{1,3}\.\d{1,3}`;
const NOT_BEFORE = String.raw`(?<![\d.])`;
const NOT_AFTER = String.raw`(?!\.?\d)`;
/** A code right after the SMTP reply code ("550 5.1.1", "550-'5.7.1", "#550 5.1.1"): the remote server's own verdict. */
const AFTER_REPLY = new RegExp(String.raw`(?<!\d)[245]\d\d[ -]['"(#]?(${CODE})${NOT_AFTER}`);
const ANY = new RegExp(`${NOT_BEFORE}(${CODE})${NOT_AFTER}`);
const FAILURE_ANY = new RegExp(String.raw`${NOT_BEFORE}([45]\.\d{1,3}\.\d{1,3})${NOT_AFTER}`);
/** A bare SMTP reply code at a place where a reply starts (line start, "said: ", "#", quote). */
const REPLY_CODE = /(?:^|[\s:'"(#])([45][0-5]\d)(?=[ -]|$)/m;
const STATUS_FIELD = /^\s*([245]\.\d{1,3}\.\d{1,3})/;

/** The code at the start of a DSN Status field ("5.0.0 (permanent failure)" → "5.0.0"). */
export function parseStatusField(value: string): string | null {
  return STATUS_FIELD.exec(value)?.[1] ?? null;
}

/** The most telling enhanced status code in a diagnostic text, or null. */
export function findEnhancedStatus(text: string, failuresOnly = false): string | null {
  // Diagnostics are short; the bound keeps a hostile multi-kilobyte field cheap.
  text = text.length > 2000 ? text.slice(0, 2000) : text;
  const afterReply = AFTER_REPLY.exec(text)?.[1];
  if (afterReply !== undefined && (!failuresOnly || afterReply[0] !== '2')) return afterReply;
  return (failuresOnly ? FAILURE_ANY : ANY).exec(text)?.[1] ?? null;
}

/** The first basic SMTP failure reply code (RFC 5321 §4.2) in a text, or null. */
export function findReplyCode(text: string): string | null {
  return REPLY_CODE.exec(text.length > 2000 ? text.slice(0, 2000) : text)?.[1] ?? null;
}
