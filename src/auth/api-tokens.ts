import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

import { staffRoles, type StaffRole } from '../store/vocabulary.ts';

/** API tokens carry the staff roles. */
export const apiRoles = staffRoles;
export type ApiRole = StaffRole;

/** viewer reads; agent also works tickets, suppressions and quarantine; admin also manages clients, sends and tokens. */
export const roleAllows = (has: ApiRole, needs: ApiRole): boolean => apiRoles.indexOf(has) >= apiRoles.indexOf(needs);

export interface ApiToken {
  id: number;
  name: string;
  role: ApiRole;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const TOKEN_PREFIX = 'adk_';
/** Characters of the token kept in clear to find its row (`adk_` + 8): identifies, never authenticates. */
const LOOKUP_LENGTH = TOKEN_PREFIX.length + 8;
/** last_used_at is refreshed at most this often, so that checks do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

const columns = 'id, name, role, prefix, created_at AS createdAt, last_used_at AS lastUsedAt, revoked_at AS revokedAt';

/** Creates a token; the secret is returned here once and never stored. */
export function createApiToken(db: Database, t: { name: string; role: ApiRole; now: Date }): { token: ApiToken; secret: string } {
  const secret = `${TOKEN_PREFIX}${randomBytes(30).toString('base64url')}`;
  const prefix = secret.slice(0, LOOKUP_LENGTH);
  const r = prepared(db, 'INSERT INTO api_tokens (name, role, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)').run(t.name, t.role, prefix, sha256(secret).toString('hex'), t.now.toISOString());
  return { token: getApiToken(db, Number(r.lastInsertRowid))!, secret };
}

export function getApiToken(db: Database, id: number): ApiToken | null {
  return (prepared(db, `SELECT ${columns} FROM api_tokens WHERE id = ?`).get(id) as ApiToken | undefined) ?? null;
}

export function listApiTokens(db: Database): ApiToken[] {
  return prepared(db, `SELECT ${columns} FROM api_tokens ORDER BY id`).all() as ApiToken[];
}

/** Revokes a token; false when it does not exist or was already revoked. */
export function revokeApiToken(db: Database, id: number, now: Date): boolean {
  return prepared(db, 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now.toISOString(), id).changes === 1;
}

/**
 * The live token a bearer secret belongs to, or null (unknown, malformed or revoked). The row is found by its
 * public prefix and the SHA-256 hashes compared with timingSafeEqual, so response time says nothing about
 * how much of a guessed secret was right.
 */
export function verifyApiToken(db: Database, secret: string, now: Date): ApiToken | null {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length < LOOKUP_LENGTH + 8 || secret.length > 200) return null;
  const candidates = prepared(db, `SELECT ${columns}, hash FROM api_tokens WHERE prefix = ?`).all(secret.slice(0, LOOKUP_LENGTH)) as Array<ApiToken & { hash: string }>;
  const presented = sha256(secret);
  let found: (ApiToken & { hash: string }) | null = null;
  for (const c of candidates) if (timingSafeEqual(Buffer.from(c.hash, 'hex'), presented)) found = c;
  if (!found || found.revokedAt !== null) return null;
  const { hash: _hash, ...token } = found;
  if (!token.lastUsedAt || now.getTime() - Date.parse(token.lastUsedAt) > TOUCH_EVERY_MS) {
    prepared(db, 'UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now.toISOString(), token.id);
  }
  return token;
}
