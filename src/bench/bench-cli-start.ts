import { spawnSync } from 'node:child_process';
import { projectPath } from '../runtime/project-root.ts';

export interface CliStartResult {
  command: string;
  /** Median CPU time (user + system) of the whole process, in ms. */
  cpuMs: number;
  /** Median wall time, in ms. */
  wallMs: number;
}

// Preloaded into the measured process: prints its own CPU time as it exits.
const REPORT_CPU =
  'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write(`\\ncpu-us ${u.user+u.system}\\n`)})';

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Cold start of the CLI as staff run it: a fresh `node` process per run (after one warm-up run that builds
 * the bundle if a source changed), CPU time measured by the process itself.
 */
export function benchCliStart(
  args: string[],
  runs = 7,
  env: NodeJS.ProcessEnv = process.env,
): CliStartResult {
  const entry = projectPath('src', 'cli', 'abusedesk.mjs');
  const run = (): { cpuMs: number; wallMs: number } => {
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--import', REPORT_CPU, entry, ...args], {
      env,
      encoding: 'utf8',
    });
    const wallMs = performance.now() - started;
    const cpu = /cpu-us (\d+)/.exec(r.stderr)?.[1];
    if (cpu === undefined)
      throw new Error(`abusedesk ${args.join(' ')} did not report its CPU time: ${r.stderr.slice(0, 300)}`);
    return { cpuMs: Number(cpu) / 1000, wallMs };
  };
  run();
  const samples = Array.from({ length: runs }, run);
  return {
    command: args.join(' '),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    wallMs: median(samples.map((s) => s.wallMs)),
  };
}
