import type { Command } from 'commander';
import { loadTest, type LoadResult } from '../../bench/bench-intake.ts';
import { runBenchServer } from '../../bench/bench-server.ts';
import { CliError } from '../cli-error.ts';

const row = (r: LoadResult): string =>
  `  ${r.mode.padEnd(7)} ${String(r.connections).padStart(3)} conns  ${r.perSecond.toFixed(0).padStart(6)} msg/s  p50 ${r.p50Ms.toFixed(2).padStart(6)} ms  p99 ${r.p99Ms.toFixed(2).padStart(6)} ms  peak RSS ${String(r.peakRssMb).padStart(4)} MB  (${r.accepted} accepted, ${r.failed} failed)`;

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('benchmarks (npm run bench): durable SMTP intake against a bare smtp-server, same client, same machine')
    .option('--seconds <n>', 'duration of each load run', '5')
    .action(async (opts: { seconds: string }) => {
      const seconds = Number(opts.seconds) || 5;
      process.stdout.write(`SMTP intake: ~6 KB ARF reports, ${seconds} s per run, load from a separate process\n`);
      for (const connections of [16, 32]) {
        const bare = await loadTest('bare', connections, seconds);
        process.stdout.write(`${row(bare)}\n`);
        const intake = await loadTest('intake', connections, seconds);
        process.stdout.write(`${row(intake)}\n`);
        const ratio = intake.perSecond / bare.perSecond;
        process.stdout.write(`  ratio intake/bare at ${connections} connections: ${ratio.toFixed(2)}${connections === 16 ? ` (target ≥ 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'})` : ''}\n`);
      }
    });
  program
    .command('bench-server <mode>', { hidden: true })
    .description('server side of the benchmark (intake | bare)')
    .action(async (mode: string) => {
      if (mode !== 'intake' && mode !== 'bare') throw new CliError('mode is intake or bare', 2);
      await runBenchServer(mode);
    });
}
