import type { FastifyError, FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { ApiToken } from '../../auth/api-tokens.ts';
import type { ApiDeps } from './api-deps.ts';
import { apiRoutes } from './api-routes.ts';
import { authenticateBearer } from './bearer-token.ts';
import { HttpError, type HttpErrorCode } from './http-error.ts';
import { logEvent } from '../../log/logger.ts';

const errorBody = (
  code: HttpErrorCode,
  message: string,
  details?: unknown,
): { error: Record<string, unknown> } => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

const clientErrorCode = (status: number): HttpErrorCode =>
  status === 413
    ? 'payload_too_large'
    : status === 415
      ? 'unsupported_media_type'
      : status === 404
        ? 'not_found'
        : 'invalid_input';

/** The REST API: every route of the table behind bearer-token auth, one error handler, JSON 404s. */
export const apiPlugin: FastifyPluginCallback<ApiDeps> = (api, deps, done) => {
  const tokens = new WeakMap<FastifyRequest, ApiToken>();
  const now = deps.now ?? (() => new Date());

  api.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError)
      return reply
        .code(err.status)
        .headers(err.headers)
        .send(errorBody(err.code, err.message, err.details));
    // fastify's own 4xx: unparsable JSON, body too large, unknown content type.
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(errorBody(clientErrorCode(err.statusCode), err.message));
    }
    if (deps.logger)
      logEvent(deps.logger, 'error', 'http.error', {
        method: request.method,
        url: request.url,
        err: err.stack ?? String(err),
      });
    return reply.code(500).send(errorBody('internal', 'internal error; the server log has the details'));
  });
  api.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  for (const route of apiRoutes()) {
    api.route({
      method: route.method,
      url: route.path,
      ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
      // Authenticate before the body is read: a stranger's upload costs nothing.
      onRequest: (request, _reply, next) => {
        try {
          tokens.set(request, authenticateBearer(deps.db, request, route.role, now(), deps.lookups?.tokens));
          next();
        } catch (e) {
          next(e as Error);
        }
      },
      handler: (request, reply) =>
        Promise.resolve().then(() => {
          const token = tokens.get(request)!;
          return route.run(
            { params: request.params, query: request.query, body: request.body },
            { deps, token, actor: `token:${token.name}`, now: now(), request, reply },
          );
        }),
    });
  }
  done();
};

/** Mounts the API under /api/v1 (fastify loads it before the first request or listen). */
export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  void app.register(apiPlugin, { ...deps, prefix: '/api/v1' });
}
