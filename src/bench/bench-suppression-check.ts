import { spawn } from 'node:child_process';
import { request, Agent } from 'node:http';
import { percentile } from './bench-intake.ts';

export interface CheckBenchResult {
  suppressions: number;
  connections: number;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  hits: number;
}

const cli = new URL('../cli/abusedesk.mjs', import.meta.url).pathname;

/**
 * `GET /api/v1/suppressions/check` against a real `serve`-equivalent process holding `count`
 * suppressions, driven from this process over keep-alive connections for `seconds`.
 */
export async function benchSuppressionCheck(count: number, connections: number, seconds: number): Promise<CheckBenchResult> {
  const child = spawn(process.execPath, [cli, 'bench-server', 'api', String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { port, token } = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http=(\d+) token=(\S+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), token: m[2]! });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const get = (path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`))));
      });
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
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  latencies.sort((a, b) => a - b);
  return { suppressions: count, connections, requests: latencies.length, perSecond: latencies.length / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), hits };
}
