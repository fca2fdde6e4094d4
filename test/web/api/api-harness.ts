import type { Database } from 'better-sqlite3';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApiToken, type ApiRole } from '../../../src/auth/api-tokens.ts';
import { loadDemoIfEmpty } from '../../../src/clients/load-demo.ts';
import { openDatabase } from '../../../src/db/open-database.ts';
import { buildHttpServer } from '../../../src/web/http-server.ts';
import { tempDataDir, testConfig } from '../../helpers/test-service.ts';

export type Role = ApiRole;

export interface ApiClient {
  call(
    method: InjectOptions['method'],
    url: string,
    role: Role | null,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
}

/** Bearer secrets for each role on this database. */
export function roleTokens(db: Database): Record<Role, string> {
  const now = new Date();
  return {
    viewer: createApiToken(db, { name: 'test-viewer', role: 'viewer', now }).secret,
    agent: createApiToken(db, { name: 'test-agent', role: 'agent', now }).secret,
    admin: createApiToken(db, { name: 'test-admin', role: 'admin', now }).secret,
  };
}

export function apiClient(app: FastifyInstance, tokens: Record<Role, string>): ApiClient {
  return {
    call: (method, url, role, body) =>
      app.inject({
        method,
        url,
        headers: role ? { authorization: `Bearer ${tokens[role]}` } : {},
        ...(body === undefined ? {} : { payload: body as object }),
      }),
  };
}

/** The HTTP server over a fresh database with the demo clients, without SMTP or worker; `overrides`: config. */
export async function apiHarness(
  overrides: Record<string, unknown> = {},
): Promise<
  ApiClient & { db: Database; app: FastifyInstance; tokens: Record<Role, string>; close(): Promise<void> }
> {
  const tmp = tempDataDir();
  const config = testConfig(tmp.dir, overrides);
  const db = openDatabase(config);
  loadDemoIfEmpty(db, new Date());
  const app = buildHttpServer({ db, config });
  await app.ready();
  const tokens = roleTokens(db);
  return {
    ...apiClient(app, tokens),
    db,
    app,
    tokens,
    async close() {
      await app.close();
      db.close();
      tmp.cleanup();
    },
  };
}
