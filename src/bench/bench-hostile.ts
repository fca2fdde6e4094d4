import { parseMessage } from '../parse/parse-message.ts';
import { arfSample } from './arf-sample.ts';
import { percentile } from './bench-intake.ts';
import { hostileMessage } from './hostile-message.ts';
import { SmtpClient, dataPayload } from './smtp-client.ts';
import { spawnBenchServer } from './spawn-bench-server.ts';

export interface HostileResult {
  hostile: number;
  inlineParseMs: number;
  eldMaxMs: number;
  eldP99Ms: number;
  probes: number;
  probeMaxMs: number;
  probeP99Ms: number;
  arfAccepted: number;
  arfFailed: number;
  arfPerSecond: number;
  seconds: number;
  drainSeconds: number;
  poolJobs: number;
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

/**
 * `count` hostile messages sent to a serve process (worker on) while `connections` sessions keep sending ~6 KB ARF
 * reports and one session sends NOOP every 10 ms. The serve process measures its own event-loop delay
 * (perf_hooks monitorEventLoopDelay) from the first hostile message until the queue is empty.
 */
export async function benchHostile(count: number, connections: number): Promise<HostileResult> {
  const raw = hostileMessage();
  const t = process.hrtime.bigint();
  await parseMessage(raw);
  const inlineParseMs = ms(t);

  const server = await spawnBenchServer(['hostile']);
  const port = Number(server.facts.port);
  const stats: string[] = [];
  server.child.stdout!.on('data', (d: Buffer) =>
    stats.push(
      ...d
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('eld ')),
    ),
  );
  const report = async (): Promise<Record<string, number>> => {
    const n = stats.length;
    server.child.kill('SIGUSR2');
    while (stats.length === n) await new Promise((r) => setTimeout(r, 10));
    return Object.fromEntries(
      stats[n]!.slice(4)
        .split(' ')
        .map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])]),
    );
  };
  // The hostile DATA payloads, dot-stuffed before the window: done while measuring, that work would hold this
  // process's event loop and delay the probe's replies, which is no delay of serve.
  const payloads = Array.from({ length: count }, (_, i) =>
    dataPayload(Buffer.concat([Buffer.from(`X-Seq: ${i}\r\n`), raw])),
  );
  await report(); // resets the histogram: the start of the measured window

  let running = true;
  const probeTimes: number[] = [];
  const probe = (async () => {
    const c = await SmtpClient.connect(port);
    await c.reply();
    while (running) {
      const t0 = process.hrtime.bigint();
      await c.command('NOOP');
      probeTimes.push(ms(t0));
      await new Promise((r) => setTimeout(r, 10));
    }
    await c.quit();
  })();

  let arfAccepted = 0;
  let arfFailed = 0;
  let seq = 0;
  const body = Buffer.from(arfSample(0), 'latin1');
  const started = process.hrtime.bigint();
  const load = Promise.all(
    Array.from({ length: connections }, async () => {
      const c = await SmtpClient.connect(port);
      await c.reply();
      await c.command('EHLO bench.example');
      while (running) {
        const n = String(++seq).padStart(8, '0');
        const r = await c.send(
          'fbl@provider.example',
          ['fbl@esp.example'],
          Buffer.concat([Buffer.from(`X-Bench-Seq: ${n}\r\n`), body]),
        );
        if (r.code === 250) arfAccepted++;
        else arfFailed++;
      }
      await c.quit();
    }),
  );

  let hostile = 0;
  for (let i = 0; i < count; i++) {
    const c = await SmtpClient.connect(port);
    await c.reply();
    await c.command('EHLO hostile.example');
    const r = await c.send('', ['abuse@esp.example'], payloads[i]!);
    if (r.code === 250) hostile++;
    await c.quit();
  }
  // Keep the load on until every hostile message has gone through the pipeline.
  let last = await report();
  let eldMax = last.max ?? 0;
  let eldP99 = last.p99 ?? 0;
  while ((last.done ?? 0) < hostile) {
    await new Promise((r) => setTimeout(r, 250));
    last = await report();
    eldMax = Math.max(eldMax, last.max ?? 0);
    eldP99 = Math.max(eldP99, last.p99 ?? 0);
  }
  running = false;
  await Promise.all([probe, load]);
  const seconds = ms(started) / 1000;
  const drainStart = process.hrtime.bigint();
  while ((last.queued ?? 0) > 0) {
    await new Promise((r) => setTimeout(r, 100));
    last = await report();
    eldMax = Math.max(eldMax, last.max ?? 0);
    eldP99 = Math.max(eldP99, last.p99 ?? 0);
  }
  const drainSeconds = seconds + ms(drainStart) / 1000;
  await server.stop();
  probeTimes.sort((a, b) => a - b);
  return {
    hostile,
    inlineParseMs,
    eldMaxMs: eldMax,
    eldP99Ms: eldP99,
    probes: probeTimes.length,
    probeMaxMs: probeTimes.at(-1) ?? 0,
    probeP99Ms: percentile(probeTimes, 99),
    arfAccepted,
    arfFailed,
    arfPerSecond: arfAccepted / seconds,
    seconds,
    drainSeconds,
    poolJobs: last.pool ?? 0,
  };
}
