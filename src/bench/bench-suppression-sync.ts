import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiToken } from '../auth/api-tokens.ts';
import { loadDemoIfEmpty } from '../clients/load-demo.ts';
import { loadConfig } from '../config/load-config.ts';
import { openDatabase } from '../db/open-database.ts';
import { suppress } from '../store/suppressions-store.ts';
import { buildHttpServer } from '../web/http-server.ts';

export interface SyncBenchResult {
  suppressions: number;
  loadSeconds: number;
  /** POST /suppressions/check with 1,000 addresses (half suppressed). */
  checkCalls: number;
  addressesPerSecond: number;
  checkP99Ms: number;
  /** GET /suppressions?since= paged through every change, 10,000 a page. */
  syncRows: number;
  syncRowsPerSecond: number;
}

/**
 * The integrator API at scale, in one process through the HTTP layer (fastify inject: routing, validation and
 * JSON included, no sockets): `count` suppressions (and so `count` changes) are loaded, then batch checks of
 * 1,000 addresses run for `seconds`, then a mirror pages through the whole change log with `since`.
 */
export async function benchSuppressionSync(count: number, seconds: number): Promise<SyncBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'abusedesk-bench-sync-'));
  const config = loadConfig({
    env: {},
    overrides: { dataDir: dir, http: { port: 0 }, smtp: { port: 0 }, demo: { enabled: true } },
  }).config;
  const db = openDatabase(config);
  const app = buildHttpServer({ db, config });
  try {
    loadDemoIfEmpty(db, new Date());
    const acme = 1;
    const t0 = performance.now();
    const now = new Date();
    // Even-numbered users are suppressed for acme; every 50th as a whole domain of its own.
    for (let i = 0; i < count; i += 50_000)
      db.transaction(() => {
        for (let k = i; k < Math.min(count, i + 50_000); k++)
          suppress(db, {
            address: k % 50 === 0 ? `@d${k}.example` : `user${k * 2}@example.net`,
            clientId: acme,
            reason: 'complaint',
            now,
          });
      })();
    const loadSeconds = (performance.now() - t0) / 1000;
    const token = createApiToken(db, { name: 'bench', role: 'viewer', now }).secret;
    const headers = { authorization: `Bearer ${token}` };
    await app.ready();

    const latencies: number[] = [];
    let n = 0;
    const end = performance.now() + seconds * 1000;
    const checkStart = performance.now();
    while (performance.now() < end) {
      const addresses = Array.from({ length: 1000 }, () => `user${(n++ * 7919) % (count * 2)}@example.net`);
      const s = performance.now();
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/suppressions/check',
        headers,
        payload: { addresses, client: 'acme' },
      });
      latencies.push(performance.now() - s);
      if (r.statusCode !== 200) throw new Error(`check: ${r.statusCode} ${r.body.slice(0, 200)}`);
    }
    const checkSeconds = (performance.now() - checkStart) / 1000;
    latencies.sort((a, b) => a - b);

    let since = '0';
    let rows = 0;
    const syncStart = performance.now();
    for (;;) {
      const r = await app.inject({
        method: 'GET',
        url: `/api/v1/suppressions?since=${since}&limit=10000`,
        headers,
      });
      if (r.statusCode !== 200) throw new Error(`sync: ${r.statusCode} ${r.body.slice(0, 200)}`);
      const body = r.json<{ changes: unknown[]; next: string; more: boolean }>();
      rows += body.changes.length;
      since = body.next;
      if (!body.more) break;
    }
    const syncSeconds = (performance.now() - syncStart) / 1000;
    return {
      suppressions: count,
      loadSeconds,
      checkCalls: latencies.length,
      addressesPerSecond: (latencies.length * 1000) / checkSeconds,
      checkP99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
      syncRows: rows,
      syncRowsPerSecond: rows / syncSeconds,
    };
  } finally {
    await app.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
