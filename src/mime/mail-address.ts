import { domainToASCII } from 'node:url';

/**
 * The one address rule of abusedesk: the reporter found by parsing, the acknowledgement decision and the
 * outbox (and the configured From) all accept exactly the addresses this accepts.
 *
 * An addr-spec (RFC 5322 §3.4.1) whose local part is a dot-atom (atext, RFC 5322 §3.2.3: letters, digits and
 * ``!#$%&'*+-/=?^_`{|}~``) or a quoted-string (RFC 5322 §3.2.4), either of which may carry UTF-8 beyond
 * ASCII (RFC 6531 §3.3, RFC 6532 §3.2), and whose domain is a host name of two or more labels, written in
 * ASCII or as an internationalised domain name (RFC 5890, checked by its ASCII form). Limits of RFC 5321
 * §4.5.3.1: local part 64 octets, the whole path 254. Not accepted: domain literals (`[192.0.2.1]`),
 * obsolete syntax (CFWS inside the address, RFC 5322 §4.4), control characters, CR and LF — so a value
 * that passes is one single recipient and can never grow into more header lines or recipients.
 */
export function isMailAddress(value: string): boolean {
  return splitAddress(value) !== null;
}

/**
 * The address in the form stored and written to: local part and domain lower-cased (abusedesk compares
 * addresses case-insensitively everywhere), an internationalised domain in its ASCII form (RFC 5891 §4,
 * `xn--` A-labels, via node:url `domainToASCII`) so it is kept whole and never confused with the ASCII
 * look-alike. Null when the value is not one valid address.
 */
export function canonicalAddress(value: string): string | null {
  const parts = splitAddress(value);
  return parts ? `${parts.local.toLowerCase()}@${parts.asciiDomain}` : null;
}

/** The domain of a valid address in its ASCII form, lower-cased; null when the value is not one valid address. */
export function addressDomain(value: string): string | null {
  return splitAddress(value)?.asciiDomain ?? null;
}

// UTF8-non-ascii (RFC 6532 §3.1), minus the C1 controls and Unicode line and paragraph separators.
const NON_ASCII = '\\u00a0-\\u2027\\u202a-\\u{10ffff}';
const ATEXT = `A-Za-z0-9!#$%&'*+\\-/=?^_\`{|}~${NON_ASCII}`;
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`, 'u');
// qtext (RFC 5322 §3.2.4: %d33 / %d35-91 / %d93-126, plus UTF-8) and space; quoted-pair: "\" VCHAR / WSP.
const QUOTED = new RegExp(`^"(?:[ !#-\\[\\]-~${NON_ASCII}]|\\\\[ -~])*"$`, 'u');
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

interface AddressParts {
  local: string;
  asciiDomain: string;
}

function splitAddress(value: string): AddressParts | null {
  if (typeof value !== 'string' || value === '' || value !== value.trim()) return null;
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return null;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!DOT_ATOM.test(local) && !QUOTED.test(local)) return null;
  if (Buffer.byteLength(local, 'utf8') > 64) return null;
  const asciiDomain = toAsciiDomain(domain);
  if (asciiDomain === null) return null;
  if (Buffer.byteLength(local, 'utf8') + 1 + asciiDomain.length > 254) return null;
  return { local, asciiDomain };
}

/** A host name (RFC 1035 §2.3.1 LDH labels, or an IDN converted to them), lower-cased ASCII; null otherwise. */
function toAsciiDomain(domain: string): string | null {
  // Anything that is not a letter, digit, hyphen, dot or non-ASCII letter is not a host name (and
  // domainToASCII would quietly map some of it).
  if (!/^[\p{L}\p{M}\p{N}.-]+$/u.test(domain) || domain.endsWith('.')) return null;
  const ascii = /^[\x21-\x7e]+$/.test(domain) ? domain.toLowerCase() : domainToASCII(domain);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  // A top-level domain is never all digits (RFC 3696 §2): 192.0.2.1 is an address literal, not a host name.
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return null;
  return ascii;
}
