import { z } from 'zod';
import type { ApiRoute } from './api-route.ts';
import { espWebhookPaths } from '../esp/esp-webhook-openapi.ts';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

const jsonSchema = (s: z.ZodType): JsonSchema => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['not_found', 'invalid_input', 'unauthorized', 'forbidden'] },
        message: { type: 'string' },
        details: {},
      },
    },
  },
};

function parameters(where: 'path' | 'query', s: z.ZodType | undefined): unknown[] {
  if (!s) return [];
  const schema = jsonSchema(s);
  return Object.entries(schema.properties ?? {}).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || (schema.required ?? []).includes(name),
    schema: p,
  }));
}

/**
 * The OpenAPI 3.1 document, generated from the route table (zod schemas become JSON Schema 2020-12,
 * which OpenAPI 3.1 uses as is). `x-role` is the least role a token needs.
 */
export function openApiDocument(routes: readonly ApiRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api/v1${r.path.replace(/:(\w+)/g, '{$1}')}`;
    const ok = r.produces
      ? { content: { [r.produces]: { schema: { type: 'string' } } } }
      : {
          content: {
            'application/json': {
              schema: r.response ? z.toJSONSchema(r.response, { io: 'output', unrepresentable: 'any' }) : {},
            },
          },
        };
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      'x-role': r.role,
      description: `Needs a token with role ${r.role} or higher.`,
      parameters: [...parameters('path', r.schemas.params), ...parameters('query', r.schemas.query)],
      ...(r.schemas.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(r.schemas.body) } },
            },
          }
        : {}),
      responses: {
        '200': { description: 'OK', ...ok },
        '400': { $ref: '#/components/responses/Error' },
        '401': { $ref: '#/components/responses/Error' },
        '403': { $ref: '#/components/responses/Error' },
        '404': { $ref: '#/components/responses/Error' },
      },
    };
  }
  Object.assign(paths, espWebhookPaths());
  return {
    openapi: '3.1.0',
    info: {
      title: 'abusedesk API',
      version,
      description:
        'Bearer tokens (abusedesk tokens create --role viewer|agent|admin). Errors: { error: { code, message, details? } }.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: errorSchema },
      responses: {
        Error: {
          description: 'An error with a machine code and a human message',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
    paths,
  };
}
