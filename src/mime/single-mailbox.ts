import libmime from 'libmime';
import { canonicalAddress } from './mail-address.ts';

/**
 * The one person a From field names, or why it names no single person.
 *
 * RFC 5322 §3.4 is applied to the raw field value: its structure — quoted strings (§3.2.4), comments
 * (§3.2.2), the angle-addr (§3.4), groups (§3.4) and commas — is parsed first, and only then are the display
 * name and comments decoded (RFC 2047 §6.1: an encoded word is never a special, so decoding cannot add
 * structure). The address is the addr-spec itself, never a text that merely looks like one, and it must
 * pass the one address rule (mail-address.ts). A field with a group, several mailboxes, several angle-addrs,
 * or a display name or comment that contains an address is `ambiguous`: whoever the mail came from cannot be
 * told apart from a third party named in it.
 */
export type SingleMailbox =
  { ok: true; address: string } | { ok: false; problem: 'none' | 'ambiguous' | 'invalid'; reason: string };

type Token =
  | { t: 'atom'; v: string }
  | { t: 'quoted'; v: string; raw: string }
  | { t: 'comment'; v: string }
  | { t: 'literal'; v: string }
  | { t: 'special'; v: string };

/** Most characters of a From field looked at; longer fields name no single person we write to. */
const MAX_FIELD = 4096;
const SPECIALS = '<>,;:@.';
/** Text that names an address: something@something, as decoded display names or comments may carry. */
const ADDRESS_LIKE = /[^\s<>()",;:[\]\\@]@[^\s<>()",;:[\]\\@]/u;

export function singleMailbox(rawValue: string | null | undefined): SingleMailbox {
  if (rawValue === null || rawValue === undefined || rawValue.trim() === '')
    return { ok: false, problem: 'none', reason: 'the message has no From address' };
  if (rawValue.length > MAX_FIELD)
    return { ok: false, problem: 'invalid', reason: `the From field is longer than ${MAX_FIELD} characters` };
  // Raw 8-bit octets in a header are UTF-8 (RFC 6532 §3.2); this is the field's charset, not a decoding of
  // encoded words. Folding (RFC 5322 §2.2.3) is undone.
  const value = utf8Octets(rawValue)
    .replace(/\r?\n(?=[ \t])/g, '')
    .trim();
  const lexed = tokenize(value);
  if (lexed === null)
    return {
      ok: false,
      problem: 'invalid',
      reason: 'the From field has an unclosed quote, comment or bracket',
    };

  const tokens = lexed.map((x) => x.token);
  const at = lexed.map((x) => x.at);
  const specials = (v: string): number => tokens.filter((x) => x.t === 'special' && x.v === v).length;
  if (specials(':') > 0 || specials(';') > 0)
    return {
      ok: false,
      problem: 'ambiguous',
      reason: 'the From field is a group (RFC 5322 §3.4), not one mailbox',
    };
  if (specials(',') > 0)
    return { ok: false, problem: 'ambiguous', reason: 'the From field lists several mailboxes' };
  if (specials('<') > 1 || specials('>') > 1)
    return { ok: false, problem: 'ambiguous', reason: 'the From field has more than one angle-addr' };

  for (const c of tokens)
    if (c.t === 'comment' && ADDRESS_LIKE.test(decodeWords(c.v)))
      return { ok: false, problem: 'ambiguous', reason: 'a comment in the From field contains an address' };

  const open = tokens.findIndex((x) => x.t === 'special' && x.v === '<');
  const close = tokens.findIndex((x) => x.t === 'special' && x.v === '>');
  let specTokens: Token[];
  if (open >= 0 || close >= 0) {
    if (open < 0 || close < open)
      return { ok: false, problem: 'invalid', reason: 'the From field has an unbalanced angle-addr' };
    // name-addr = [display-name] angle-addr; after it only comments (CFWS) may follow.
    if (tokens.slice(close + 1).some((x) => x.t !== 'comment'))
      return { ok: false, problem: 'ambiguous', reason: 'the From field has text after its angle-addr' };
    const phrase = tokens.slice(0, open).filter((x) => x.t !== 'comment');
    // display-name = phrase: words (atoms, quoted strings) and, obsolete but common, dots (RFC 5322 §4.1).
    if (phrase.some((x) => x.t === 'literal' || (x.t === 'special' && x.v !== '.')))
      return { ok: false, problem: 'ambiguous', reason: 'the From display name contains an address' };
    // Decoded as one text: an encoded word may hold a dot, which the tokenizer splits on.
    const displayName = value.slice(0, at[open]);
    if (ADDRESS_LIKE.test(displayName) || ADDRESS_LIKE.test(decodeWords(displayName)))
      return { ok: false, problem: 'ambiguous', reason: 'the From display name contains an address' };
    specTokens = tokens.slice(open + 1, close);
  } else specTokens = tokens;

  const spec = addrSpec(specTokens.filter((x) => x.t !== 'comment'));
  if (spec === null)
    return {
      ok: false,
      problem: 'invalid',
      reason: 'the From field holds no valid addr-spec (RFC 5322 §3.4.1)',
    };
  const address = canonicalAddress(spec);
  if (address === null)
    return {
      ok: false,
      problem: 'invalid',
      reason: `the From address ${JSON.stringify(spec.slice(0, 80))} is not a valid mail address`,
    };
  return { ok: true, address };
}

/** The reporter's address, or null (singleMailbox says why). */
export function reporterAddress(rawValue: string | null | undefined): string | null {
  const m = singleMailbox(rawValue);
  return m.ok ? m.address : null;
}

/**
 * addr-spec = local-part "@" domain from the tokens between the angle brackets (or the whole field):
 * words joined by dots, one "@", a dotted domain. A quoted local part whose content is a valid dot-atom is
 * written without the quotes (RFC 5322 §3.4.1: the two are the same address).
 */
function addrSpec(tokens: Token[]): string | null {
  const at = tokens.findIndex((x) => x.t === 'special' && x.v === '@');
  if (at <= 0 || tokens.filter((x) => x.t === 'special' && x.v === '@').length !== 1) return null;
  const local = dotted(tokens.slice(0, at));
  const domain = dotted(tokens.slice(at + 1));
  if (local === null || domain === null) return null;
  return `${local}@${domain}`;
}

function dotted(tokens: Token[]): string | null {
  if (tokens.length === 0 || tokens.length % 2 === 0) return null;
  const words: string[] = [];
  for (const [i, x] of tokens.entries()) {
    if (i % 2 === 1) {
      if (x.t !== 'special' || x.v !== '.') return null;
      continue;
    }
    if (x.t === 'atom') words.push(x.v);
    else if (x.t === 'quoted' && tokens.length === 1)
      words.push(/^[^\s"\\().,:;<>@[\]]+$/u.test(x.v) && !x.v.includes('..') ? x.v : x.raw);
    else return null;
  }
  return words.join('.');
}

/** A latin1 "binary" header value holding UTF-8 octets as text; a value already decoded stays as it is. */
function utf8Octets(v: string): string {
  if (!/[\x80-\xff]/.test(v) || /[^\x00-\xff]/.test(v)) return v;
  const text = Buffer.from(v, 'latin1').toString('utf8');
  return text.includes('\ufffd') ? v : text;
}

/** RFC 2047 encoded words decoded (display text only; never used to find the address). */
function decodeWords(text: string): string {
  if (!text.includes('=?')) return text;
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

/**
 * The lexical tokens of RFC 5322 §3.2: quoted strings with their quoted-pairs undone, (nested) comments,
 * domain literals, the specials that give an address its structure, and atoms (anything else between
 * white space). Null when a quote, comment or bracket is not closed.
 */
function tokenize(s: string): { token: Token; at: number }[] | null {
  const out: { token: Token; at: number }[] = [];
  const push = (token: Token, at: number): number => out.push({ token, at });
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      i++;
    } else if (ch === '"') {
      let v = '';
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length) j++;
        v += s[j];
      }
      if (j >= s.length) return null;
      push({ t: 'quoted', v, raw: s.slice(i, j + 1) }, i);
      i = j + 1;
    } else if (ch === '(') {
      let depth = 0;
      let v = '';
      let j = i;
      for (; j < s.length; j++) {
        const c = s[j]!;
        if (c === '\\' && j + 1 < s.length) {
          v += s[++j];
          continue;
        }
        if (c === '(') depth++;
        else if (c === ')') depth--;
        if (depth === 0) break;
        if (j > i) v += c;
      }
      if (depth !== 0) return null;
      push({ t: 'comment', v }, i);
      i = j + 1;
    } else if (ch === '[') {
      const j = s.indexOf(']', i);
      if (j < 0) return null;
      push({ t: 'literal', v: s.slice(i, j + 1) }, i);
      i = j + 1;
    } else if (SPECIALS.includes(ch) || ch === ')' || ch === ']' || ch === '\\') {
      push({ t: 'special', v: ch }, i);
      i++;
    } else {
      let j = i;
      while (j < s.length && !/[\s"()[\]\\<>,;:@.]/.test(s[j]!)) j++;
      push({ t: 'atom', v: s.slice(i, j) }, i);
      i = j;
    }
  }
  return out;
}
