import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ApiRole, ApiToken } from '../../auth/api-tokens.ts';
import type { ApiDeps } from './api-deps.ts';
import { HttpError } from './http-error.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What every handler gets besides its validated input. */
export interface ApiCall {
  deps: ApiDeps;
  token: ApiToken;
  /** Audit actor: `token:<name>`. */
  actor: string;
  now: Date;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<P, Q, B> {
  method: HttpMethod;
  /** Under /api/v1, fastify syntax: /tickets/:id */
  path: string;
  role: ApiRole;
  summary: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Content type of a non-JSON success response (documented in the OpenAPI document). */
  produces?: string;
  /** The JSON success response's schema (documented in the OpenAPI document). */
  response?: z.ZodType;
  bodyLimit?: number;
  handle: (input: { params: P; query: Q; body: B } & ApiCall) => unknown;
}

/** A route of the table: its description (for fastify and OpenAPI) and a runner that validates then handles. */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
  role: ApiRole;
  summary: string;
  schemas: { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };
  produces?: string;
  response?: z.ZodType;
  bodyLimit?: number;
  run(raw: { params: unknown; query: unknown; body: unknown }, call: ApiCall): unknown;
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ in: where, path: i.path.join('.'), message: i.message }));
  throw new HttpError(
    400,
    'invalid_input',
    `invalid ${where}: ${details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ')}`,
    details,
  );
}

/** Declares a route; its params, query and body are validated with zod before the handler runs. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<P, Q, B>): ApiRoute {
  const { handle, params, query, body, ...meta } = spec;
  return {
    ...meta,
    schemas: { params, query, body },
    run: (raw, call) =>
      handle({
        params: validate(params, raw.params, 'path'),
        query: validate(query, raw.query, 'query'),
        body: validate(body, raw.body, 'body'),
        ...call,
      }),
  };
}
