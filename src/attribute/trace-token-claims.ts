/**
 * What a trace token says, and its small binary encoding (the plaintext that trace-token.ts encrypts).
 * Binary rather than JSON keeps tokens short enough for a URL path, a header and — compact form — a
 * VERP local part (RFC 5321 §4.5.3.1.1: at most 64 octets).
 */

/** Full form (`adt1`): names the client and campaign by slug and carries the recipient's address. */
export interface FullTraceClaims {
  client: string;
  campaign: string;
  recipient: string;
  /** Send time; tokens keep whole seconds. */
  sentAt: Date;
  /** The ESP's own id for the send, if it has one. */
  sendId?: string;
}

/** Compact form (`adt2`): ids of rows in our database instead of the address, for VERP local parts. */
export interface CompactTraceClaims {
  clientId: number;
  /** null when the send belongs to no campaign. */
  campaignId: number | null;
  /** The send's row id in the sends table (which holds the recipient). */
  sendId: number;
  sentAt: Date;
}

export type TraceClaims = FullTraceClaims | CompactTraceClaims;

/** What openTraceToken returns: the claims, which form they came in, and which key opened them. */
export type OpenedTraceClaims =
  | (FullTraceClaims & { form: 'full'; keyId: string })
  | (CompactTraceClaims & { form: 'compact'; keyId: string });

export const isCompactClaims = (c: TraceClaims): c is CompactTraceClaims => 'clientId' in c;

// Times are seconds from 2025-01-01T00:00:00Z, zigzag-encoded: recent dates fit in 4 bytes instead of 5.
const EPOCH_S = 1_735_689_600;

const utf8 = new TextEncoder();
// fatal: a byte sequence that is not UTF-8 fails decoding instead of turning into U+FFFD.
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

class Writer {
  readonly bytes: number[] = [];
  /** Unsigned LEB128; arithmetic, not bit operators, so values up to 2^53 survive. */
  uint(n: number): void {
    let v = n;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }
  int(n: number): void {
    this.uint(n >= 0 ? n * 2 : -n * 2 - 1);
  }
  text(s: string): void {
    const b = utf8.encode(s);
    this.uint(b.length);
    for (const x of b) this.bytes.push(x);
  }
  time(d: Date): void {
    this.int(Math.floor(d.getTime() / 1000) - EPOCH_S);
  }
}

/** Thrown only inside decoding; callers turn it into null. */
class Malformed extends Error {}

class Reader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  uint(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.bytes[this.pos++];
      if (b === undefined) throw new Malformed('truncated');
      n += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(n)) throw new Malformed('number too large');
        return n;
      }
      scale *= 0x80;
    }
    throw new Malformed('varint too long');
  }
  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  text(): string {
    const len = this.uint();
    if (this.pos + len > this.bytes.length) throw new Malformed('truncated');
    const s = utf8Strict.decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
  time(): Date {
    return new Date((this.int() + EPOCH_S) * 1000);
  }
  end(): void {
    if (this.pos !== this.bytes.length) throw new Malformed('trailing bytes');
  }
}

const nonEmpty = (s: unknown, name: string): string => {
  if (typeof s !== 'string' || s === '')
    throw new TypeError(`trace token claim ${name} must be a non-empty string`);
  return s;
};
const validDate = (d: unknown): Date => {
  if (!(d instanceof Date) || Number.isNaN(d.getTime()))
    throw new TypeError('trace token claim sentAt must be a valid Date');
  return d;
};
const rowId = (n: unknown, name: string): number => {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
    throw new TypeError(`trace token claim ${name} must be a positive integer (a row id)`);
  return n;
};

/**
 * Mailbox domains most recipients have, coded as one byte in full tokens. APPEND-ONLY: a token stores the
 * position, so reordering or removing an entry would make issued tokens open to the wrong address.
 */
const COMMON_DOMAINS = [
  'gmail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'aol.com',
  'icloud.com',
  'live.com',
  'msn.com',
  'me.com',
  'mac.com',
  'comcast.net',
  'att.net',
  'verizon.net',
  'sbcglobal.net',
  'protonmail.com',
  'proton.me',
  'googlemail.com',
  'gmx.com',
  'mail.com',
  'zoho.com',
  'yahoo.fr',
  'hotmail.fr',
  'orange.fr',
  'free.fr',
  'sfr.fr',
  'laposte.net',
  'wanadoo.fr',
  'gmx.de',
  'web.de',
  't-online.de',
  'yahoo.de',
  'hotmail.de',
  'libero.it',
  'virgilio.it',
  'yahoo.it',
  'hotmail.it',
  'yahoo.es',
  'hotmail.es',
  'yahoo.co.uk',
  'hotmail.co.uk',
  'btinternet.com',
  'yahoo.ro',
  'gmx.net',
  'outlook.fr',
  'live.fr',
  'ymail.com',
  'rocketmail.com',
  'fastmail.com',
  'example.com',
  'example.net',
] as const;
const domainCode = new Map<string, number>(COMMON_DOMAINS.map((d, i) => [d, i + 1]));

// Flags byte of the full form.
const HAS_SEND_ID = 1;
const SEND_ID_NUMERIC = 2; // sendId is a canonical decimal: stored as a number
const CAMPAIGN_PREFIXED = 4; // campaign is `<client>-<rest>`: only the rest is stored
const KNOWN = HAS_SEND_ID | SEND_ID_NUMERIC | CAMPAIGN_PREFIXED;

/** Encodes full claims; throws TypeError on claims that are not what the type says (a programmer error). */
export function encodeFullClaims(c: FullTraceClaims): Uint8Array {
  const client = nonEmpty(c.client, 'client');
  const campaign = nonEmpty(c.campaign, 'campaign');
  const recipient = nonEmpty(c.recipient, 'recipient');
  const at = recipient.lastIndexOf('@');
  if (at < 1 || at === recipient.length - 1)
    throw new TypeError('trace token claim recipient must be an address local@domain');
  const sendId = c.sendId === undefined ? undefined : nonEmpty(c.sendId, 'sendId');
  const numeric = sendId !== undefined && /^(0|[1-9][0-9]{0,14})$/.test(sendId);
  const prefixed = campaign.startsWith(`${client}-`) && campaign.length > client.length + 1;
  const w = new Writer();
  w.uint(
    (sendId !== undefined ? HAS_SEND_ID : 0) |
      (numeric ? SEND_ID_NUMERIC : 0) |
      (prefixed ? CAMPAIGN_PREFIXED : 0),
  );
  w.text(client);
  w.text(prefixed ? campaign.slice(client.length + 1) : campaign);
  w.text(recipient.slice(0, at));
  const domain = recipient.slice(at + 1);
  const code = domainCode.get(domain) ?? 0;
  w.uint(code);
  if (code === 0) w.text(domain);
  w.time(validDate(c.sentAt));
  if (sendId !== undefined) {
    if (numeric) w.uint(Number(sendId));
    else w.text(sendId);
  }
  return Uint8Array.from(w.bytes);
}

export function encodeCompactClaims(c: CompactTraceClaims): Uint8Array {
  const w = new Writer();
  w.uint(rowId(c.clientId, 'clientId'));
  w.uint(c.campaignId === null ? 0 : rowId(c.campaignId, 'campaignId'));
  w.uint(rowId(c.sendId, 'sendId'));
  w.time(validDate(c.sentAt));
  return Uint8Array.from(w.bytes);
}

/** Decodes full claims, or null when the bytes are not a well-formed encoding. */
export function decodeFullClaims(bytes: Uint8Array): FullTraceClaims | null {
  try {
    const r = new Reader(bytes);
    const flags = r.uint();
    if ((flags & ~KNOWN) !== 0) return null;
    const client = r.text();
    const rest = r.text();
    const campaign = flags & CAMPAIGN_PREFIXED ? `${client}-${rest}` : rest;
    const local = r.text();
    const code = r.uint();
    const domain = code === 0 ? r.text() : COMMON_DOMAINS[code - 1];
    const sentAt = r.time();
    const sendId = flags & HAS_SEND_ID ? (flags & SEND_ID_NUMERIC ? String(r.uint()) : r.text()) : undefined;
    r.end();
    if (!client || !rest || !local || !domain || sendId === '') return null;
    const claims: FullTraceClaims = { client, campaign, recipient: `${local}@${domain}`, sentAt };
    if (sendId !== undefined) claims.sendId = sendId;
    return claims;
  } catch {
    return null;
  }
}

export function decodeCompactClaims(bytes: Uint8Array): CompactTraceClaims | null {
  try {
    const r = new Reader(bytes);
    const clientId = r.uint();
    const campaignId = r.uint();
    const sendId = r.uint();
    const sentAt = r.time();
    r.end();
    if (clientId < 1 || sendId < 1) return null;
    return { clientId, campaignId: campaignId === 0 ? null : campaignId, sendId, sentAt };
  } catch {
    return null;
  }
}
