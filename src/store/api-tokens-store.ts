import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { StaffRole } from './vocabulary.ts';

/** An API token as staff see it: never its secret or hash. */
export interface ApiToken {
  id: number;
  name: string;
  role: StaffRole;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const columns =
  'id, name, role, prefix, created_at AS createdAt, last_used_at AS lastUsedAt, revoked_at AS revokedAt';

/** Stores a token by its clear lookup prefix and the hex SHA-256 of its secret; returns its id. */
export function insertApiToken(
  db: Database,
  t: { name: string; role: StaffRole; prefix: string; hash: string; now: Date },
): number {
  return Number(
    prepared(db, 'INSERT INTO api_tokens (name, role, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)').run(
      t.name,
      t.role,
      t.prefix,
      t.hash,
      t.now.toISOString(),
    ).lastInsertRowid,
  );
}

export function getApiToken(db: Database, id: number): ApiToken | null {
  return (
    (prepared(db, `SELECT ${columns} FROM api_tokens WHERE id = ?`).get(id) as ApiToken | undefined) ?? null
  );
}

export function listApiTokens(db: Database): ApiToken[] {
  return prepared(db, `SELECT ${columns} FROM api_tokens ORDER BY id`).all() as ApiToken[];
}

/** Tokens after `after` (an id, exclusive) in id order, at most `limit` (null: all), streamed. */
export function iterateApiTokens(
  db: Database,
  o: { after?: number | null; limit: number | null },
): IterableIterator<ApiToken> {
  return prepared(
    db,
    `SELECT ${columns} FROM api_tokens WHERE (@after IS NULL OR id > @after) ORDER BY id LIMIT @limit`,
  ).iterate({ after: o.after ?? null, limit: o.limit ?? -1 }) as IterableIterator<ApiToken>;
}

export function countApiTokens(db: Database): number {
  return prepared(db, 'SELECT count(*) FROM api_tokens').pluck().get() as number;
}

/** Revokes a token; false when it does not exist or was already revoked. */
export function revokeApiToken(db: Database, id: number, now: Date): boolean {
  return (
    prepared(db, 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(
      now.toISOString(),
      id,
    ).changes === 1
  );
}

/** Tokens (revoked ones too) whose lookup prefix is `prefix`, each with the hex SHA-256 of its secret. */
export function apiTokensByPrefix(db: Database, prefix: string): Array<ApiToken & { hash: string }> {
  return prepared(db, `SELECT ${columns}, hash FROM api_tokens WHERE prefix = ?`).all(prefix) as Array<
    ApiToken & { hash: string }
  >;
}

export function touchApiToken(db: Database, id: number, now: Date): void {
  prepared(db, 'UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now.toISOString(), id);
}
