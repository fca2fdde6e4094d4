import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** The machine's CPU time so far, all cores together, in the kernel's ticks: busy and in all. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/**
 * Reads the aggregate `cpu` line of /proc/stat (user nice system idle iowait irq softirq steal …; proc(5)):
 * idle and iowait are the time no process wanted a core, the rest is work. Null off Linux. Guest time is
 * already counted in user and nice, so only the first eight fields are summed.
 */
export function readCpuTimes(read: () => string = () => readFileSync('/proc/stat', 'utf8')): CpuTimes | null {
  let text: string;
  try {
    text = read();
  } catch {
    return null;
  }
  const line = /^cpu\s+([\d\s]+)$/m.exec(text)?.[1];
  if (!line) return null;
  const f = line.trim().split(/\s+/).slice(0, 8).map(Number);
  if (f.length < 5 || f.some((n) => !Number.isFinite(n))) return null;
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3]! + f[4]!;
  return { busy: total - idle, total };
}

/** The machine's CPU time so far (null off Linux) and this process's own (the load generator's), read together. */
export interface CpuReading {
  machine: CpuTimes | null;
  /** process.cpuUsage(): user and system microseconds of this process, all its threads. */
  own: NodeJS.CpuUsage;
  at: bigint;
}

export const readCpu = (): CpuReading => ({
  machine: readCpuTimes(),
  own: process.cpuUsage(),
  at: process.hrtime.bigint(),
});

/** How busy the machine was between two readings, and how much of it this process (the load) took; both 0–1. */
export interface MachineLoad {
  busy: number | null;
  load: number;
}

export function machineLoad(
  before: CpuReading,
  after: CpuReading,
  cores = availableParallelism(),
): MachineLoad {
  const elapsedUs = Number(after.at - before.at) / 1000;
  const ownUs = after.own.user - before.own.user + (after.own.system - before.own.system);
  return {
    busy: busyShare(before.machine, after.machine),
    load: elapsedUs > 0 ? ownUs / elapsedUs / cores : 0,
  };
}

/** The share of the machine's cores kept busy between two readings (0–1), or null when either is missing. */
export function busyShare(before: CpuTimes | null, after: CpuTimes | null): number | null {
  if (!before || !after) return null;
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : null;
}

/**
 * A benchmark figure's context: how busy the whole machine was while it was measured (the load generator, every
 * server process and the database server together), and the part the load generator (this process) took, e.g.
 * `96 % of 2 cores (load 21 %)`. A figure measured at nearly 100 % is bound by this machine's cores, not by
 * waiting; anything the two do not account for is the servers measured (or a stranger on the machine).
 */
export function describeBusy(m: MachineLoad | null, cores = availableParallelism()): string {
  if (!m || m.busy === null) return 'unknown';
  return `${Math.round(m.busy * 100)} % of ${cores} cores (load ${Math.round(m.load * 100)} %)`;
}
