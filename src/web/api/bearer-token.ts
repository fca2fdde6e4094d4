import type { FastifyRequest } from 'fastify';
import { roleAllows, verifyApiToken, type ApiRole, type ApiToken } from '../../auth/api-tokens.ts';
import type { LookupCache } from '../../auth/lookup-cache.ts';
import type { Database } from 'better-sqlite3';
import { HttpError } from './http-error.ts';

// RFC 6750 §3: a 401 carries a WWW-Authenticate challenge naming the scheme.
const challenge = (error?: string): Record<string, string> => ({
  'www-authenticate': `Bearer realm="abusedesk"${error ? `, error="${error}"` : ''}`,
});

/** The request's token, checked against the role the route needs: 401 without a live token, 403 below the role. */
export function authenticateBearer(
  db: Database,
  request: FastifyRequest,
  needs: ApiRole,
  now: Date,
  cache?: LookupCache<ApiToken>,
): ApiToken {
  const header = request.headers.authorization;
  if (!header)
    throw new HttpError(
      401,
      'unauthorized',
      'an API token is required: Authorization: Bearer adk_…',
      undefined,
      challenge(),
    );
  const m = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
  const token = m ? verifyApiToken(db, m[1]!, now, cache) : null;
  if (!token)
    throw new HttpError(
      401,
      'unauthorized',
      'the API token is invalid or revoked',
      undefined,
      challenge('invalid_token'),
    );
  if (!roleAllows(token.role, needs))
    throw new HttpError(
      403,
      'forbidden',
      `this needs the ${needs} role; token "${token.name}" has ${token.role}`,
    );
  return token;
}
