import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import {
  apiTokensByPrefix,
  getApiToken,
  insertApiToken,
  touchApiToken,
  type ApiToken,
} from '../store/api-tokens-store.ts';
import { staffRoles, type StaffRole } from '../store/vocabulary.ts';
import type { LookupCache } from './lookup-cache.ts';

export { getApiToken, listApiTokens, revokeApiToken, type ApiToken } from '../store/api-tokens-store.ts';

/** API tokens carry the staff roles. */
export const apiRoles = staffRoles;
export type ApiRole = StaffRole;

/** viewer reads; agent also works tickets, suppressions and quarantine; admin also manages clients, sends and tokens. */
export const roleAllows = (has: ApiRole, needs: ApiRole): boolean =>
  apiRoles.indexOf(has) >= apiRoles.indexOf(needs);

const TOKEN_PREFIX = 'adk_';
/** Characters of the token kept in clear to find its row (`adk_` + 8): identifies, never authenticates. */
const LOOKUP_LENGTH = TOKEN_PREFIX.length + 8;
/** last_used_at is refreshed at most this often, so that checks do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Creates a token; the secret is returned here once and never stored. */
export function createApiToken(
  db: Database,
  t: { name: string; role: ApiRole; now: Date },
): { token: ApiToken; secret: string } {
  const secret = `${TOKEN_PREFIX}${randomBytes(30).toString('base64url')}`;
  const prefix = secret.slice(0, LOOKUP_LENGTH);
  const id = insertApiToken(db, {
    name: t.name,
    role: t.role,
    prefix,
    hash: sha256(secret).toString('hex'),
    now: t.now,
  });
  return { token: getApiToken(db, id)!, secret };
}

/**
 * The live token a bearer secret belongs to, or null (unknown, malformed or revoked). The row is found by its
 * public prefix and the SHA-256 hashes compared with timingSafeEqual, so response time says nothing about
 * how much of a guessed secret was right. With a `cache`, a live token found is kept there by the SHA-256 of its
 * secret (never the secret) and not read again until the cache's time runs out or it is cleared.
 */
export function verifyApiToken(
  db: Database,
  secret: string,
  now: Date,
  cache?: LookupCache<ApiToken>,
): ApiToken | null {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length < LOOKUP_LENGTH + 8 || secret.length > 200)
    return null;
  const presented = sha256(secret);
  const key = cache ? presented.toString('base64') : '';
  const cached = cache?.get(key);
  if (cached) return cached;
  const candidates = apiTokensByPrefix(db, secret.slice(0, LOOKUP_LENGTH));
  let found: (ApiToken & { hash: string }) | null = null;
  for (const c of candidates) if (timingSafeEqual(Buffer.from(c.hash, 'hex'), presented)) found = c;
  if (!found || found.revokedAt !== null) return null;
  const { hash: _hash, ...token } = found;
  if (!token.lastUsedAt || now.getTime() - Date.parse(token.lastUsedAt) > TOUCH_EVERY_MS) {
    touchApiToken(db, token.id, now);
  }
  cache?.set(key, token);
  return token;
}
