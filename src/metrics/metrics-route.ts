import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * GET /metrics in the Prometheus text format. It names every client with its status and score, so
 * `authorize` decides who may read it; refused requests get 401 with a Bearer challenge (RFC 6750 §3).
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  registry: Registry,
  authorize: (request: FastifyRequest) => boolean,
): void {
  app.get('/metrics', async (request, reply) => {
    if (!authorize(request))
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="abusedesk"')
        .type('text/plain; charset=utf-8')
        .send(
          'metrics need Authorization: Bearer <token>, the token being http.metricsToken or an API token (role viewer or above)\n',
        );
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
}
