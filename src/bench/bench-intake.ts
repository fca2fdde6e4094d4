import { readFileSync } from 'node:fs';
import { SmtpClient } from './smtp-client.ts';
import { arfSample } from './arf-sample.ts';
import { spawnBenchServer } from './spawn-bench-server.ts';
import { startBenchNodes, type BenchNodes } from './bench-nodes.ts';
import type { BenchTarget } from './bench-target.ts';
import { machineLoad, type MachineLoad } from './machine-cpu.ts';
import { readBenchCpu, reportCpu, type ReportCpu } from './process-cpu.ts';

export interface LoadResult {
  mode: 'intake' | 'bare';
  connections: number;
  /** Server processes the connections were spread over (round-robin). */
  nodes: number;
  accepted: number;
  failed: number;
  /** The first refusal's code and text (null when none failed). */
  failure: string | null;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The largest peak RSS among the nodes. */
  peakRssMb: number;
  /** How busy the whole machine's cores were during the run, and the load generator's part. */
  cpu: MachineLoad;
  /** Milliseconds of CPU each accepted message cost, by process (see ReportCpu); null off Linux. */
  cpuPerMessage: ReportCpu | null;
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;

/** Peak resident set size of a process, from the kernel's high-water mark (VmHWM). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/**
 * Starts the bench server processes (one for `bare`; `target.nodes` on the target's database for `intake`),
 * drives them with `connections` concurrent SMTP sessions for `seconds`, the sessions spread round-robin.
 */
export async function loadTest(
  mode: 'intake' | 'bare',
  connections: number,
  seconds: number,
  target: BenchTarget = { label: 'SQLite', engine: 'sqlite', nodes: 1 },
): Promise<LoadResult> {
  let servers: BenchNodes;
  if (mode === 'bare') {
    const bare = await spawnBenchServer(['bare']);
    servers = {
      nodes: [bare],
      databaseUrl: null,
      stop: bare.stop,
      addNode: () => Promise.reject(new Error('one bare server')),
    };
  } else servers = await startBenchNodes('intake', 0, target);
  const ports = servers.nodes.map((n) => Number(n.facts.port));
  const latencies: number[] = [];
  let failed = 0;
  const body = Buffer.from(arfSample(0), 'latin1');
  const end = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  const cpuBefore = readBenchCpu(servers.nodes);
  let seq = 0;
  // The first refusal's reply, so a figure of failures comes with its reason.
  let failure: string | null = null;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const open = async (): Promise<SmtpClient> => {
        const client = await SmtpClient.connect(ports[c % ports.length]!);
        await client.reply();
        await client.command('EHLO bench.example');
        return client;
      };
      let client = await open();
      while (Date.now() < end) {
        // Each message differs (so intake's duplicate check never short-cuts) but has the same size.
        const n = String(++seq).padStart(8, '0');
        const raw = Buffer.concat([Buffer.from(`X-Bench-Seq: ${n}\r\n`), body]);
        // A refusal before the data (451 at RCPT: intake's backlog limit) ends the transaction there: sending the
        // data anyway would have the server read the message's lines as commands.
        let r = await client.command('MAIL FROM:<fbl@provider.example>');
        if (r.code === 250) r = await client.command('RCPT TO:<fbl@esp.example>');
        if (r.code === 250) r = await client.command('DATA');
        const t0 = process.hrtime.bigint();
        if (r.code === 354) {
          client.write(Buffer.concat([raw, Buffer.from('\r\n.\r\n')]));
          r = await client.reply();
        } else if (r.code !== 0 && r.code !== 421) await client.command('RSET');
        if (r.code === 250) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        else {
          failed++;
          failure ??= `${r.code || 'closed'} ${r.text.split('\n')[0]!.slice(0, 60)}`;
          // A session the server closed (421, or the connection gone) is opened again, as a sending MTA would.
          if (r.code === 0 || r.code === 421) {
            client.close();
            client = await open();
          }
        }
      }
      await client.quit();
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = readBenchCpu(servers.nodes);
  const cpu = machineLoad(cpuBefore.reading, cpuAfter.reading);
  const rss = Math.max(...servers.nodes.map((n) => peakRssMb(n.child.pid!)));
  await servers.stop();
  latencies.sort((a, b) => a - b);
  return {
    mode,
    connections,
    nodes: ports.length,
    accepted: latencies.length,
    failed,
    failure,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    peakRssMb: rss,
    cpu,
    cpuPerMessage: reportCpu(cpuBefore, cpuAfter, latencies.length, servers.databaseUrl !== null),
  };
}
