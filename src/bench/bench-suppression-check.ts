import { request, Agent } from 'node:http';
import { percentile } from './bench-intake.ts';
import { spawnBenchServer } from './spawn-bench-server.ts';

export interface CheckBenchResult {
  suppressions: number;
  connections: number;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  hits: number;
}

/**
 * `GET /api/v1/suppressions/check` against a real `serve`-equivalent process holding `count`
 * suppressions, driven from this process over keep-alive connections for `seconds`.
 */
export async function benchSuppressionCheck(
  count: number,
  connections: number,
  seconds: number,
): Promise<CheckBenchResult> {
  const server = await spawnBenchServer(['api', String(count)]);
  const port = Number(server.facts.http);
  const token = server.facts.token!;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const get = (path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } },
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
  const end = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        // Half the addresses are suppressed (even numbers), half are not.
        const i = (n++ * 7919) % (count * 2);
        const t0 = process.hrtime.bigint();
        const body = await get(`/api/v1/suppressions/check?address=user${i}%40example.net&client=acme`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (body.includes('"suppressed":true')) hits++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  await server.stop();
  latencies.sort((a, b) => a - b);
  return {
    suppressions: count,
    connections,
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    hits,
  };
}
