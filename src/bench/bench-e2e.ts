import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config.ts';
import { keyringFromConfig } from '../attribute/token-keyring.ts';
import { mintTraceToken } from '../attribute/trace-token.ts';
import { fblReport, yahooFbl } from '../demo/report-builders.ts';
import { actedReportTimings } from '../store/reports-store.ts';
import { percentile } from './bench-intake.ts';
import { SmtpClient, queueIdOf } from './smtp-client.ts';
import { spawnBenchServer } from './spawn-bench-server.ts';

export interface E2eResult {
  reports: number;
  sends: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  byMethod: Record<string, number>;
}

/**
 * End to end: a real `serve`-equivalent process (intake + worker, 100k sends in the send log) receives
 * FBL reports over SMTP — half attributable by trace token, half only by the send log (redacted
 * complainant, original Message-ID) — and the time from the first byte of each report to its committed
 * actions is measured (processed_at in the database, same machine clock).
 */
export async function benchEndToEnd(
  reports: number,
  connections: number,
  sends = 100_000,
): Promise<E2eResult> {
  const server = await spawnBenchServer(['e2e', String(sends)]);
  const port = Number(server.facts.port);
  const dir = server.facts.dir!;
  const keyring = keyringFromConfig(loadConfig({ env: {} }).config);
  const bodies = Array.from({ length: reports }, (_, i) => {
    const n = (i * 7919) % sends; // spread over the send log
    return i % 2 === 0
      ? yahooFbl({
          n: i,
          recipient: `user${n}@example.net`,
          token: mintTraceToken(
            {
              client: 'acme',
              campaign: 'acme-spring-sale',
              recipient: `user${n}@example.net`,
              sentAt: new Date(),
            },
            keyring,
          ),
          campaign: 'acme-spring-sale',
          client: 'acme',
          domain: 'news.acme.example',
        })
      : fblReport({
          reportMessageId: `<bench-${i}-${Date.now()}@aol.example>`,
          originalTo: 'redacted@aol.com',
          originalMessageId: `<send-${n}@news.acme.example>`,
        });
  });
  const started = new Map<string, number>();
  let next = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await SmtpClient.connect(port);
      await client.reply();
      await client.command('EHLO bench.example');
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const at = Date.now();
        const r = await client.send('fbl@provider.example', ['fbl@esp.example'], body);
        const q = queueIdOf(r);
        if (q) started.set(q, at);
      }
      await client.quit();
    }),
  );
  const db = new BetterSqlite3(join(dir, 'abusedesk.db'), { readonly: true });
  let rows: ReturnType<typeof actedReportTimings> = [];
  for (;;) {
    rows = actedReportTimings(db);
    if (rows.length >= started.size) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  db.close();
  await server.stop();
  const latencies = rows
    .map((r) => Date.parse(r.processedAt) - (started.get(r.queueId) ?? Date.parse(r.processedAt)))
    .sort((a, b) => a - b);
  const last = Math.max(...rows.map((r) => Date.parse(r.processedAt)));
  const byMethod: Record<string, number> = {};
  for (const r of rows) byMethod[r.method ?? 'none'] = (byMethod[r.method ?? 'none'] ?? 0) + 1;
  return {
    reports: rows.length,
    sends,
    perSecond: rows.length / ((last - t0) / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    byMethod,
  };
}
