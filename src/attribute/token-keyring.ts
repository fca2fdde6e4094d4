import { createHash, hkdfSync } from 'node:crypto';
import { DEMO_TOKEN_KEY, type Config } from '../config/config-schema.ts';

/** One trace-token key: its id (carried in tokens) and the derived AES-256 key. */
export interface TokenKey {
  readonly id: string;
  /** 32-byte AES-256-GCM key, derived with HKDF-SHA256 (RFC 5869) from the configured secret. */
  readonly key: Buffer;
  /** One byte identifying the key in compact tokens (first byte of SHA-256 of the id); see trace-token-codec.ts. */
  readonly hint: number;
}

/** The keys that open trace tokens, and the one that mints new ones. */
export interface TokenKeyring {
  readonly active: TokenKey;
  readonly keys: ReadonlyMap<string, TokenKey>;
  /** True while the public demo key is configured: fine for a demo, never for production. */
  readonly usesDemoKey: boolean;
}

export interface TokenKeySecret {
  id: string;
  secret: string;
}

// A fixed salt separates these keys from any other use of the same secret (RFC 5869 §3.1);
// the key id goes into `info`, so two ids never share a key even if an operator reuses a secret.
const HKDF_SALT = 'abusedesk trace token';

function deriveKey(k: TokenKeySecret): TokenKey {
  const key = Buffer.from(hkdfSync('sha256', k.secret, HKDF_SALT, `abusedesk trace token key ${k.id}`, 32));
  const hint = createHash('sha256').update(k.id).digest()[0]!;
  return { id: k.id, key, hint };
}

/** Builds a keyring from secrets; throws when the active id is missing or an id repeats (programmer error). */
export function createKeyring(secrets: readonly TokenKeySecret[], activeKeyId: string): TokenKeyring {
  const keys = new Map<string, TokenKey>();
  for (const s of secrets) {
    if (!/^[A-Za-z0-9]{1,8}$/.test(s.id))
      throw new RangeError(`token key id "${s.id}" must be 1–8 letters or digits`);
    if (s.secret.length < 32)
      throw new RangeError(`token key "${s.id}" needs a secret of at least 32 characters`);
    if (keys.has(s.id)) throw new RangeError(`token key id "${s.id}" is listed twice`);
    keys.set(s.id, deriveKey(s));
  }
  const active = keys.get(activeKeyId);
  if (!active) throw new RangeError(`no token key has id "${activeKeyId}"`);
  const usesDemoKey = secrets.some((s) => s.secret === DEMO_TOKEN_KEY.secret);
  return { active, keys, usesDemoKey };
}

/** The keyring configured under `tokens` (the schema already checked that the active key exists). */
export function keyringFromConfig(config: Pick<Config, 'tokens'>): TokenKeyring {
  return createKeyring(config.tokens.keys, config.tokens.activeKeyId);
}
