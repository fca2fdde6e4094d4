import { request, Agent } from 'node:http';
import { percentile } from './bench-intake.ts';
import type { BenchNodes } from './bench-nodes.ts';
import { openPostgres } from '../db/open-database.ts';
import { refreshStatistics } from '../db/refresh-statistics.ts';

/** Requests sent before the measurement, unmeasured. */
const WARM_UP_MS = 1000;

export interface CheckBenchResult {
  nodes: number;
  suppressions: number;
  connections: number;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  hits: number;
}

/**
 * `GET /api/v1/suppressions/check` against real `serve`-equivalent processes (bench servers in `api` mode)
 * holding `count` suppressions, driven from this process over keep-alive connections for `seconds`, spread
 * round-robin over the nodes when there are several.
 */
export async function benchSuppressionCheck(
  servers: BenchNodes,
  count: number,
  connections: number,
  seconds: number,
): Promise<CheckBenchResult> {
  const ports = servers.nodes.map((n) => Number(n.facts.http));
  // The first node's token: tokens live in the shared database, so every node takes it.
  const token = servers.nodes[0]!.facts.token!;
  const agents = ports.map(() => new Agent({ keepAlive: true, maxSockets: connections }));
  const get = (c: number, path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: ports[c % ports.length],
          path,
          agent: agents[c % ports.length],
          headers: { authorization: `Bearer ${token}` },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`)),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  const latencies: number[] = [];
  let hits = 0;
  let n = 0;
  const drive = (ms: number, record: boolean): Promise<unknown> => {
    const end = Date.now() + ms;
    return Promise.all(
      Array.from({ length: connections }, async (_, c) => {
        while (Date.now() < end) {
          // Half the addresses are suppressed (even numbers), half are not.
          const i = (n++ * 7919) % (count * 2);
          const t0 = process.hrtime.bigint();
          const body = await get(c, `/api/v1/suppressions/check?address=user${i}%40example.net&client=acme`);
          if (!record) continue;
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (body.includes('"suppressed":true')) hits++;
        }
      }),
    );
  };
  // As on a live system: the planner's statistics taken after the bulk load (autovacuum would otherwise run its
  // ANALYZE in the middle of the measurement) and the servers warmed up (JIT, prepared statements), unmeasured.
  if (servers.databaseUrl) {
    const db = openPostgres(servers.databaseUrl, { migrate: false });
    try {
      refreshStatistics(db, ['suppressions', 'clients', 'api_tokens']);
    } finally {
      db.close();
    }
  }
  await drive(WARM_UP_MS, false);
  const started = process.hrtime.bigint();
  await drive(seconds * 1000, true);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  for (const a of agents) a.destroy();
  latencies.sort((a, b) => a - b);
  return {
    nodes: ports.length,
    suppressions: count,
    connections,
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    hits,
  };
}
