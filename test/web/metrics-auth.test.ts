import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../../src/auth/api-tokens.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { createMetrics } from '../../src/metrics/create-metrics.ts';
import { buildHttpServer } from '../../src/web/http-server.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';

const METRICS_TOKEN = 'prometheus-scrape-secret-0123456789';

describe('GET /metrics needs a bearer token', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let db: Database;
  let app: FastifyInstance;
  beforeEach(async () => {
    tmp = tempDataDir();
    // Tokens verified on every request: a revocation through the store is seen at once.
    const config = testConfig(tmp.dir, { http: { metricsToken: METRICS_TOKEN, lookupCacheMs: 0 } });
    db = openDatabase(config);
    app = buildHttpServer({ db, config, metrics: createMetrics(db, () => new Date()).registry });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    db.close();
    tmp.cleanup();
  });

  const get = (authorization?: string) =>
    app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });

  it('answers 401 with a Bearer challenge and no client or score without a token, or with a wrong one', async () => {
    for (const auth of [
      undefined,
      'Bearer wrong',
      `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`,
    ]) {
      const r = await get(auth);
      expect(r.statusCode, String(auth)).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="abusedesk"/);
      expect(r.body).toMatch(/http\.metricsToken/);
      expect(r.body).not.toMatch(/abusedesk_client/);
    }
  });

  it('serves the metrics for http.metricsToken and for any live API token (viewer or above)', async () => {
    expect((await get(`Bearer ${METRICS_TOKEN}`)).statusCode).toBe(200);
    const viewer = createApiToken(db, { name: 'prometheus', role: 'viewer', now: new Date() });
    const r = await get(`Bearer ${viewer.secret}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    revokeApiToken(db, viewer.token.id, new Date());
    expect((await get(`Bearer ${viewer.secret}`)).statusCode).toBe(401);
  });
});
