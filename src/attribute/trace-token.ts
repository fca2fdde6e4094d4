import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  decodeCompactClaims,
  decodeFullClaims,
  encodeCompactClaims,
  encodeFullClaims,
  isCompactClaims,
  type OpenedTraceClaims,
  type TraceClaims,
} from './trace-token-claims.ts';
import type { TokenKey, TokenKeyring } from './token-keyring.ts';

export type {
  CompactTraceClaims,
  FullTraceClaims,
  OpenedTraceClaims,
  TraceClaims,
} from './trace-token-claims.ts';

/**
 * Trace tokens: `adt` + version digit + base64url (RFC 4648 §5, no padding) of
 *
 *   full    (adt1): keyIdLength(1) keyId(1–8) nonce(12) ciphertext tag(16)
 *   compact (adt2): keyHint(1)                nonce(12) ciphertext tag(16)
 *
 * sealed with AES-256-GCM (NIST SP 800-38D) under a key derived from the configured secret. The version
 * prefix and the key id/hint are not secret but are bound as associated data, so changing either
 * breaks the tag. The compact form spends one byte on a key hint instead of the id to stay within a
 * 64-octet VERP local part; every key whose hint matches is tried.
 */
const FULL = 'adt1';
const COMPACT = 'adt2';
const NONCE_BYTES = 12; // 96-bit random nonce: the size GCM is defined for without GHASH-ing the IV
const TAG_BYTES = 16;
/** traceTokenRegex() allows 30–400 characters after the prefix. */
const MAX_FULL_CHARS = 4 + 400;
/** RFC 5321 §4.5.3.1.1: a local part is at most 64 octets. */
export const MAX_COMPACT_CHARS = 64;

export interface MintTraceTokenOptions {
  /** Mint with this key instead of the active one (tests, or re-minting during a rotation). */
  keyId?: string;
}

function seal(key: TokenKey, aad: Buffer, plaintext: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, ct, cipher.getAuthTag()]);
}

function unseal(key: TokenKey, aad: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < NONCE_BYTES + TAG_BYTES + 1) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.subarray(0, NONCE_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return null; // wrong key, or a forged or corrupted token: the tag does not verify
  }
}

/**
 * Mints a trace token for one send. Full claims (client, campaign, recipient…) give an `adt1` token,
 * typically ~110 characters; compact claims (row ids) give an `adt2` token of at most 64 characters.
 * Throws TypeError for malformed claims and RangeError when the claims cannot fit the form's length.
 */
export function mintTraceToken(
  claims: TraceClaims,
  keyring: TokenKeyring,
  options: MintTraceTokenOptions = {},
): string {
  const key = options.keyId === undefined ? keyring.active : keyring.keys.get(options.keyId);
  if (!key) throw new RangeError(`no token key has id "${options.keyId}"`);
  if (isCompactClaims(claims)) {
    const header = Buffer.from([key.hint]);
    const body = Buffer.concat([
      header,
      seal(key, Buffer.concat([Buffer.from(COMPACT), header]), encodeCompactClaims(claims)),
    ]);
    const token = COMPACT + body.toString('base64url');
    if (token.length > MAX_COMPACT_CHARS)
      throw new RangeError(
        `compact trace token would be ${token.length} characters (max ${MAX_COMPACT_CHARS}): ids too large`,
      );
    return token;
  }
  const id = Buffer.from(key.id, 'ascii');
  const header = Buffer.concat([Buffer.from([id.length]), id]);
  const body = Buffer.concat([
    header,
    seal(key, Buffer.concat([Buffer.from(FULL), header]), encodeFullClaims(claims)),
  ]);
  const token = FULL + body.toString('base64url');
  if (token.length > MAX_FULL_CHARS)
    throw new RangeError(
      `trace token would be ${token.length} characters (max ${MAX_FULL_CHARS}): claims too long`,
    );
  return token;
}

/**
 * Opens a trace token, or returns null for anything that does not open: malformed, forged, corrupted,
 * truncated, or sealed with a key not in the keyring. Never throws: tokens come from attacker-controlled
 * reports, and a token-shaped string that fails to open is evidence of nothing.
 */
export function openTraceToken(token: string, keyring: TokenKeyring): OpenedTraceClaims | null {
  if (typeof token !== 'string' || token.length > MAX_FULL_CHARS || !/^adt[12][A-Za-z0-9_-]+$/.test(token))
    return null;
  const prefix = token.slice(0, 4);
  const text = token.slice(4);
  const bytes = Buffer.from(text, 'base64url');
  // Only the canonical encoding opens: otherwise the unused low bits of the last character could be
  // flipped and still decode to the same bytes, i.e. two different strings would be the same token.
  if (bytes.toString('base64url') !== text) return null;
  if (prefix === COMPACT) {
    const hint = bytes[0];
    const aad = Buffer.concat([Buffer.from(COMPACT), bytes.subarray(0, 1)]);
    for (const key of keyring.keys.values()) {
      if (key.hint !== hint) continue;
      const plain = unseal(key, aad, bytes.subarray(1));
      const claims = plain && decodeCompactClaims(plain);
      if (claims) return { ...claims, form: 'compact', keyId: key.id };
    }
    return null;
  }
  const idLength = bytes[0] ?? 0;
  if (idLength < 1 || idLength > 8 || bytes.length < 1 + idLength) return null;
  const key = keyring.keys.get(bytes.subarray(1, 1 + idLength).toString('latin1'));
  if (!key) return null;
  const plain = unseal(
    key,
    Buffer.concat([Buffer.from(FULL), bytes.subarray(0, 1 + idLength)]),
    bytes.subarray(1 + idLength),
  );
  const claims = plain && decodeFullClaims(plain);
  return claims ? { ...claims, form: 'full', keyId: key.id } : null;
}
