import { readdirSync, readFileSync } from 'node:fs';
import { readCpu, type CpuReading } from './machine-cpu.ts';

/** One process's line of /proc/<pid>/stat: what it is and the CPU it has used so far. */
export interface ProcessStat {
  pid: number;
  ppid: number;
  comm: string;
  /** User plus system time, in clock ticks. */
  ticks: number;
}

/**
 * Parses /proc/<pid>/stat (proc(5)): `pid (comm) state ppid … utime stime …`, utime and stime being fields 14 and
 * 15. The command name may hold spaces and parentheses, so the fields are counted from its last `)`. Null when the
 * line is not one.
 */
export function parseProcessStat(line: string): ProcessStat | null {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = line
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  const [pid, ppid, utime, stime] = [line.slice(0, open), rest[1], rest[11], rest[12]].map(Number);
  if (![pid, ppid, utime, stime].every((n) => Number.isInteger(n))) return null;
  return { pid: pid!, ppid: ppid!, comm: line.slice(open + 1, close), ticks: utime! + stime! };
}

/** Every process's stat line on this machine (none off Linux); a process that ends while it is read is skipped. */
export function readProcessStats(): ProcessStat[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  return pids.flatMap((pid) => {
    try {
      const stat = parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      return stat ? [stat] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Where a benchmark's servers spent CPU, in clock ticks: the nodes' own processes (SMTP intake, HTTP and the
 * intake writer thread), their pipeline processes (their children), and the PostgreSQL server on this machine
 * (every `postgres` process: the nodes' backends, the WAL writer, the checkpointer, autovacuum). A process that
 * ends between two readings (an autovacuum worker) takes its ticks with it, and a server on another host is not
 * seen: the figures are for the benchmark's own machine.
 */
export interface ServerCpu {
  intake: number;
  pipeline: number;
  database: number;
}

export function serverCpu(stats: readonly ProcessStat[], nodePids: readonly number[]): ServerCpu {
  const nodes = new Set(nodePids);
  const cpu: ServerCpu = { intake: 0, pipeline: 0, database: 0 };
  for (const s of stats) {
    if (nodes.has(s.pid)) cpu.intake += s.ticks;
    else if (nodes.has(s.ppid)) cpu.pipeline += s.ticks;
    else if (s.comm === 'postgres') cpu.database += s.ticks;
  }
  return cpu;
}

/**
 * Linux's clock tick for /proc's times (USER_HZ): 100 a second on every architecture Node runs on, whatever the
 * kernel's own HZ (it is part of the kernel's user-space interface; `getconf CLK_TCK`).
 */
const TICKS_PER_SECOND = 100;

/** Milliseconds of CPU a report between two readings: ticks used, over the reports done meanwhile. */
function msPerReport(before: number, after: number, reports: number): number {
  return reports > 0 ? ((after - before) * 1000) / TICKS_PER_SECOND / reports : 0;
}

/** CPU milliseconds of one report by process (see serverCpu); the load is the benchmark's own process. */
export interface ReportCpu {
  intake: number;
  pipeline: number;
  database: number | null;
  load: number;
}

/** The servers' CPU by process, and the machine's and this process's own (the load generator's), read together. */
export interface BenchCpu {
  servers: ServerCpu;
  reading: CpuReading;
}

/** Reads both for the benchmark's server processes (`nodes`, each with the child process it runs in). */
export const readBenchCpu = (nodes: ReadonlyArray<{ child: { pid?: number | undefined } }>): BenchCpu => ({
  servers: serverCpu(
    readProcessStats(),
    nodes.flatMap((n) => (n.child.pid === undefined ? [] : [n.child.pid])),
  ),
  reading: readCpu(),
});

/** CPU a report between two readings of the servers' processes and of this process (the load). */
export function reportCpu(
  before: BenchCpu,
  after: BenchCpu,
  reports: number,
  postgres: boolean,
): ReportCpu | null {
  if (before.servers.intake === 0 && after.servers.intake === 0) return null;
  const ownUs = (c: BenchCpu): number => c.reading.own.user + c.reading.own.system;
  return {
    intake: msPerReport(before.servers.intake, after.servers.intake, reports),
    pipeline: msPerReport(before.servers.pipeline, after.servers.pipeline, reports),
    database: postgres ? msPerReport(before.servers.database, after.servers.database, reports) : null,
    load: reports > 0 ? (ownUs(after) - ownUs(before)) / 1000 / reports : 0,
  };
}

/** `0.62 / 1.31 / 0.74 / 0.15`: intake, pipeline, database (– on SQLite), load; `unknown` off Linux. */
export function describeReportCpu(c: ReportCpu | null): string {
  if (!c) return 'unknown';
  const ms = (n: number | null): string => (n === null ? '–' : n.toFixed(2));
  return [c.intake, c.pipeline, c.database, c.load].map(ms).join(' / ');
}

/** What a report cost the machine: every process's part together. */
export const reportCpuTotal = (c: ReportCpu): number => c.intake + c.pipeline + (c.database ?? 0) + c.load;
