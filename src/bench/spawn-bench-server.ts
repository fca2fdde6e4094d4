import { spawn, type ChildProcess } from 'node:child_process';
import { projectPath } from '../runtime/project-root.ts';

const cli = projectPath('src', 'cli', 'abusedesk.mjs');

/**
 * Starts `abusedesk bench-server …` in its own process (so the load generator does not share its CPU)
 * and resolves with the `key=value` facts of the line it prints once listening (port, data dir, token…).
 */
export function spawnBenchServer(
  args: string[],
): Promise<{ child: ChildProcess; facts: Record<string, string>; stop: () => Promise<void> }> {
  // ABUSEDESK_BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the servers measured.
  const nodeArgs = process.env.ABUSEDESK_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, cli, 'bench-server', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /^port=.*$/m.exec(out)?.[0];
      if (!line) return;
      const facts = Object.fromEntries(
        line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      const stop = async (): Promise<void> => {
        child.kill('SIGTERM');
        if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      };
      resolve({ child, facts, stop });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
}
