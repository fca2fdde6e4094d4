import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { arfSample } from '../../bench/arf-sample.ts';
import { benchSuppressionSync } from '../../bench/bench-suppression-sync.ts';
import { runBenchServer, WINDOW_SIGNALS } from '../../bench/bench-server.ts';
import { benchTargets } from '../../bench/bench-target.ts';
import { checkTable, endToEndTable, intakeTable } from '../../bench/engine-tables.ts';
import { E2E_TARGET_RATE } from '../../bench/bench-e2e.ts';
import { benchParse, benchParseMessages } from '../../parse/bench-parse.ts';
import { benchCliStart } from '../../bench/bench-cli-start.ts';
import { benchHostile } from '../../bench/bench-hostile.ts';
import { CliError, EXIT } from '../cli-error.ts';

const sections = ['cli', 'parse', 'intake', 'e2e', 'check', 'sync', 'hostile'] as const;
const engines = ['sqlite', 'postgres'] as const;
type Section = (typeof sections)[number];

function corpusFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(eml|txt|msg)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'abusedesk-bench-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function benchCli(): void {
  process.stdout.write('\n== CLI cold start: a fresh process per run, median of 7, CPU = user + system\n');
  const { dir, cleanup } = tempDir();
  try {
    const env = { ...process.env, ABUSEDESK_DATA_DIR: dir };
    for (const args of [['--help'], ['tickets', 'list']]) {
      const r = benchCliStart(args, 7, env);
      process.stdout.write(
        `  abusedesk ${r.command.padEnd(14)} ${r.cpuMs.toFixed(0).padStart(5)} ms CPU  ${r.wallMs.toFixed(0).padStart(5)} ms wall  (target < 300 ms CPU: ${r.cpuMs < 300 ? 'met' : 'NOT met'})\n`,
      );
      const source = benchCliStart(args, 3, { ...env, ABUSEDESK_NO_BUNDLE: '1' });
      process.stdout.write(
        `    from the TypeScript sources (tsx, no bundle): ${source.cpuMs.toFixed(0)} ms CPU\n`,
      );
    }
  } finally {
    cleanup();
  }
}

async function benchParsing(): Promise<void> {
  process.stdout.write('\n== parse (authenticate offline, classify, extract): one core, in-process\n');
  const typical = Array.from({ length: 50 }, (_, i) => Buffer.from(arfSample(i), 'latin1'));
  const t = await benchParseMessages(typical);
  process.stdout.write(
    `  typical ~6 KB ARF     ${String(t.messagesPerSecond).padStart(6)} msg/s  p99 ${t.p99Ms.toFixed(2)} ms  (${t.count} parses; target ≥ 2,000 msg/s: ${t.messagesPerSecond >= 2000 ? 'met' : 'NOT met'})\n`,
  );
  // Bounce-heavy: every bounce layout the golden fixtures cover (MTAs, providers, ESP events), plus the corpus DSNs.
  const bounceFiles = [
    ...corpusFiles(resolve('test/fixtures/bounce')),
    ...corpusFiles(resolve('../shared/corpus/dsn')),
  ];
  if (bounceFiles.length > 0) {
    const b = await benchParse(bounceFiles);
    process.stdout.write(
      `  bounces (${bounceFiles.length} files)   ${String(b.messagesPerSecond).padStart(6)} msg/s  p99 ${b.p99Ms.toFixed(2)} ms  (fixtures' bounce layouts and the corpus DSNs)\n`,
    );
  }
  const corpus = resolve('../shared/corpus');
  const files = corpusFiles(corpus);
  if (files.length === 0) {
    process.stdout.write(`  shared corpus         skipped: ${corpus} not found\n`);
    return;
  }
  const arf = files.filter((f) => f.includes('/arf/'));
  const a = await benchParse(arf);
  process.stdout.write(
    `  corpus arf/ (${arf.length} files) ${String(a.messagesPerSecond).padStart(6)} msg/s  p99 ${a.p99Ms.toFixed(2)} ms\n`,
  );
  const all = await benchParse(files);
  process.stdout.write(
    `  whole corpus (${files.length}) ${String(all.messagesPerSecond).padStart(6)} msg/s  p99 ${all.p99Ms.toFixed(2)} ms\n`,
  );
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('benchmarks (npm run bench): durable SMTP intake vs a bare smtp-server; parse throughput')
    .option('--seconds <n>', 'duration of each SMTP load run', '5')
    .option('--reports <n>', 'reports sent in the end-to-end run', '4000')
    .option(
      '--rounds <n>',
      'rounds of the intake and end-to-end runs, every target once a round; each column shows its median run, and ratios are medians of each round’s',
      '1',
    )
    .option(
      '--paced-rate <n>',
      "reports a second in the end-to-end run's steady phase, where the latency target is judged (0: none)",
      String(E2E_TARGET_RATE),
    )
    .option('--suppressions <n>', 'suppressions loaded for the suppression check', '1000000')
    .option(
      '--postgres-suppressions <n>',
      'suppressions loaded for the suppression check on PostgreSQL (added one by one: 1M takes half an hour)',
      '100000',
    )
    .option('--only <sections>', `comma-separated: ${sections.join(', ')}`)
    .option(
      '--engines <engines>',
      'comma-separated: sqlite, postgres (a fresh schema per run in ABUSEDESK_BENCH_POSTGRES_URL, default postgres://127.0.0.1:5432/postgres)',
      engines.join(','),
    )
    .action(
      async (opts: {
        seconds: string;
        only?: string;
        reports: string;
        pacedRate: string;
        rounds: string;
        suppressions: string;
        postgresSuppressions: string;
        engines: string;
      }) => {
        const wanted = (opts.only ? opts.only.split(',') : [...sections]) as Section[];
        for (const w of wanted)
          if (!sections.includes(w)) throw new CliError(`--only takes ${sections.join(', ')}`, EXIT.usage);
        const chosen = opts.engines.split(',');
        for (const e of chosen)
          if (!(engines as readonly string[]).includes(e))
            throw new CliError(`--engines takes ${engines.join(', ')}`, EXIT.usage);
        const seconds = Number(opts.seconds) || 5;
        const rounds = Number(opts.rounds);
        if (!Number.isInteger(rounds) || rounds < 1)
          throw new CliError('--rounds takes a whole number of 1 or more', EXIT.usage);
        // Intake, end to end and the suppression check run on every engine, side by side.
        const targets = ['intake', 'e2e', 'check'].some((s) => wanted.includes(s as Section))
          ? benchTargets(chosen)
          : [];
        const postgresSkipped = targets.find((t) => t.engine === 'postgres' && t.notRun);
        if (postgresSkipped)
          process.stdout.write(
            `\nPostgreSQL: not run: ${postgresSkipped.notRunDetail ?? postgresSkipped.notRun}\n`,
          );
        if (wanted.includes('cli')) benchCli();
        if (wanted.includes('parse')) await benchParsing();
        if (wanted.includes('intake')) {
          process.stdout.write(
            `\n== SMTP intake: ~6 KB ARF reports, ${seconds} s per run${rounds > 1 ? `, ${rounds} rounds (median runs)` : ''}, load from a separate process (sessions round-robin over the nodes); 250 only after the durable write\n`,
          );
          process.stdout.write(await intakeTable(targets, seconds, rounds));
        }
        if (wanted.includes('check')) {
          const count = Number(opts.suppressions) || 1_000_000;
          const postgresCount = Number(opts.postgresSuppressions) || 100_000;
          process.stdout.write(
            '\n== suppression check: GET /api/v1/suppressions/check, 16 keep-alive connections from this process (round-robin over the nodes), half the addresses suppressed; the 2-node run adds a node to the 1-node schema\n',
          );
          process.stdout.write(await checkTable(targets, count, postgresCount, 16, seconds));
        }
        if (wanted.includes('sync')) {
          process.stdout.write(
            '\n== suppression batch check and sync: POST /api/v1/suppressions/check (1,000 addresses a call) and GET /api/v1/suppressions?since= (10,000 a page), 1M suppressions and changes, through the HTTP layer in one process\n',
          );
          const r = await benchSuppressionSync(1_000_000, seconds);
          process.stdout.write(
            `  loaded ${r.suppressions} suppressions in ${r.loadSeconds.toFixed(1)} s\n` +
              `  batch check: ${r.addressesPerSecond.toFixed(0)} addresses/s  p99 ${r.checkP99Ms.toFixed(1)} ms per call of 1,000  (${r.checkCalls} calls; target ≥ 50,000/s: ${r.addressesPerSecond >= 50_000 ? 'met' : 'NOT met'})\n` +
              `  since sync: ${r.syncRowsPerSecond.toFixed(0)} rows/s  (${r.syncRows} changes; target ≥ 100,000/s: ${r.syncRowsPerSecond >= 100_000 ? 'met' : 'NOT met'})\n`,
          );
        }
        if (wanted.includes('hostile')) {
          process.stdout.write(
            '\n== hostile messages: 100k header fields, a 20 MB header line, a 24 MB body (46 MB each) over SMTP, processed by serve while ~6 KB ARF reports keep arriving on 8 connections and a NOOP probe runs\n',
          );
          const r = await benchHostile(3, 8);
          process.stdout.write(
            `  parsed in-process on one thread, the same message blocks it for ${r.inlineParseMs.toFixed(0)} ms (what serve did before the parse pool)\n` +
              `  serve event loop while the ${r.hostile} hostile messages were processed: worst delay ${r.eldMaxMs.toFixed(1)} ms, p99 ${r.eldP99Ms.toFixed(1)} ms (target < 100 ms: ${r.eldMaxMs < 100 ? 'met' : 'NOT met'})\n` +
              `  NOOP probe: ${r.probes} replies, slowest ${r.probeMaxMs.toFixed(1)} ms, p99 ${r.probeP99Ms.toFixed(1)} ms\n` +
              `  intake meanwhile: ${r.arfPerSecond.toFixed(0)} ARF msg/s accepted (${r.arfAccepted} in ${r.seconds.toFixed(1)} s, ${r.arfFailed} failed), all processed in ${r.drainSeconds.toFixed(1)} s; parse pool jobs ${r.poolJobs}\n`,
          );
        }
        if (wanted.includes('e2e')) {
          const reports = Number(opts.reports) || 4000;
          const pacedRate = Math.max(0, Number(opts.pacedRate) || 0);
          process.stdout.write(
            `\n== end to end${rounds > 1 ? ` (${rounds} rounds, median runs)` : ''}: ${reports} FBL reports over SMTP on 16 conns as fast as they go (the burst), then 12 s at ${pacedRate} reports/s (the steady load) → committed actions (intake + worker in each node, 100k sends and ${WINDOW_SIGNALS / 1000}k earlier signals of the client loaded), first byte to processed_at\n`,
          );
          process.stdout.write(await endToEndTable(targets, reports, 16, pacedRate, rounds));
        }
      },
    );
  program
    .command('bench-server <mode> [sends]', { hidden: true })
    .description('server side of the benchmark (intake | bare | e2e | api | hostile)')
    .option('--database-url <url>', 'PostgreSQL (postgres://…?schema=…) instead of a SQLite file')
    .option('--no-seed', 'load no demo data, sends or suppressions (another node on the same schema did)')
    .action(
      async (mode: string, sends: string | undefined, opts: { databaseUrl?: string; seed: boolean }) => {
        if (mode !== 'intake' && mode !== 'bare' && mode !== 'e2e' && mode !== 'api' && mode !== 'hostile')
          throw new CliError('mode is intake, bare, e2e, api or hostile', EXIT.usage);
        await runBenchServer(mode, Number(sends) || 0, {
          databaseUrl: opts.databaseUrl ?? null,
          seed: opts.seed,
        });
      },
    );
}
