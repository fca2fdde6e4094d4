import { readFileSync } from 'node:fs';
import { SmtpClient } from './smtp-client.ts';
import { arfSample } from './arf-sample.ts';
import { spawnBenchServer } from './spawn-bench-server.ts';

export interface LoadResult {
  mode: 'intake' | 'bare';
  connections: number;
  accepted: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;

/** Peak resident set size of a process, from the kernel's high-water mark (VmHWM). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** Starts a bench server process, drives it with `connections` concurrent SMTP sessions for `seconds`. */
export async function loadTest(
  mode: 'intake' | 'bare',
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const server = await spawnBenchServer([mode]);
  const port = Number(server.facts.port);
  const latencies: number[] = [];
  let failed = 0;
  const body = Buffer.from(arfSample(0), 'latin1');
  const end = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  let seq = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await SmtpClient.connect(port);
      await client.reply();
      await client.command('EHLO bench.example');
      while (Date.now() < end) {
        // Each message differs (so intake's duplicate check never short-cuts) but has the same size.
        const n = String(++seq).padStart(8, '0');
        const raw = Buffer.concat([Buffer.from(`X-Bench-Seq: ${n}\r\n`), body]);
        await client.command('MAIL FROM:<fbl@provider.example>');
        await client.command('RCPT TO:<fbl@esp.example>');
        await client.command('DATA');
        const t0 = process.hrtime.bigint();
        client.write(Buffer.concat([raw, Buffer.from('\r\n.\r\n')]));
        const r = await client.reply();
        if (r.code === 250) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        else failed++;
      }
      await client.quit();
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = peakRssMb(server.child.pid!);
  await server.stop();
  latencies.sort((a, b) => a - b);
  return {
    mode,
    connections,
    accepted: latencies.length,
    failed,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    peakRssMb: rss,
  };
}
