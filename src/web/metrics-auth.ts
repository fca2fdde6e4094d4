import { createHash, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { FastifyRequest } from 'fastify';
import { verifyApiToken, type ApiToken } from '../auth/api-tokens.ts';
import type { LookupCache } from '../auth/lookup-cache.ts';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Who may read /metrics: a bearer (RFC 6750 §2.1) that is `http.metricsToken` (when set; compared in constant
 * time) or any live API token — viewer is the lowest role, so every role may.
 */
export function metricsAuthorizer(
  db: Database,
  metricsToken: string,
  now: () => Date,
  tokens?: LookupCache<ApiToken>,
): (request: FastifyRequest) => boolean {
  const expected = metricsToken === '' ? null : sha256(metricsToken);
  return (request) => {
    const m = /^Bearer[ \t]+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!m) return false;
    const presented = m[1]!;
    if (expected && timingSafeEqual(sha256(presented), expected)) return true;
    return verifyApiToken(db, presented, now(), tokens) !== null;
  };
}
