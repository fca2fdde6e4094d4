import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'ad_session';
export const LOGIN_CSRF_COOKIE = 'ad_login_csrf';

/** Secure when the browser reached us over TLS, directly or through a proxy that says so. */
export const isHttps = (req: FastifyRequest): boolean =>
  req.protocol === 'https' ||
  String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim() === 'https';

/** A `Set-Cookie` value: HttpOnly, SameSite=Strict, path /ui, Secure behind TLS. `maxAge` 0 deletes it. */
export function cookie(req: FastifyRequest, name: string, value: string, maxAgeSeconds: number): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/ui',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(isHttps(req) ? ['Secure'] : []),
  ].join('; ');
}
