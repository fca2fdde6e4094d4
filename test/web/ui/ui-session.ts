import type { FastifyInstance } from 'fastify';

/** Cookie jar value from a Set-Cookie list (name=value only). */
export function cookiesFrom(setCookie: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of [setCookie ?? []].flat()) {
    const [pair] = c.split(';');
    const eq = pair!.indexOf('=');
    out[pair!.slice(0, eq)] = pair!.slice(eq + 1);
  }
  return out;
}

export const cookieHeader = (jar: Record<string, string>): string =>
  Object.entries(jar)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

export const csrfOf = (body: string): string => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;

/** Logs in through the real form (fastify inject); returns the session cookie header and the page CSRF token. */
export async function loginInject(
  app: FastifyInstance,
  email: string,
  password: string,
  ip = '127.0.0.1',
): Promise<{ cookie: string; csrf: string; status: number }> {
  const page = await app.inject({ method: 'GET', url: '/ui/login', remoteAddress: ip });
  const jar = cookiesFrom(page.headers['set-cookie']);
  const res = await app.inject({
    method: 'POST',
    url: '/ui/login',
    remoteAddress: ip,
    headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfOf(page.body), email, password, next: '/ui/' }).toString(),
  });
  const session = cookiesFrom(res.headers['set-cookie']);
  const cookie = cookieHeader({ ad_session: session.ad_session ?? '' });
  if (res.statusCode !== 303) return { cookie, csrf: '', status: res.statusCode };
  const inbox = await app.inject({ method: 'GET', url: '/ui/', headers: { cookie } });
  return { cookie, csrf: csrfOf(inbox.body), status: res.statusCode };
}
