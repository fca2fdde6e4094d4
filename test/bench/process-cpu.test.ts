import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeReportCpu,
  parseProcessStat,
  readProcessStats,
  reportCpu,
  reportCpuTotal,
  serverCpu,
} from '../../src/bench/process-cpu.ts';
import { readCpu } from '../../src/bench/machine-cpu.ts';

/** A /proc/<pid>/stat line as Linux writes it (proc(5)): utime 14th, stime 15th. */
const statLine = (pid: number, comm: string, ppid: number, utime: number, stime: number): string =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 9131 0 12 0 ${utime} ${stime} 0 0 20 0 11 0 1234 1195753472 27131 18446744073709551615`;

describe('the CPU a benchmark’s server processes used', () => {
  it('reads pid, parent, command and user plus system ticks, whatever the command name holds', () => {
    expect(parseProcessStat(statLine(4711, 'node', 4700, 250, 31))).toEqual({
      pid: 4711,
      ppid: 4700,
      comm: 'node',
      ticks: 281,
    });
    // A command name may hold spaces and parentheses: the fields count from its last ")".
    expect(parseProcessStat(statLine(9, 'a (b) c', 1, 5, 6))).toMatchObject({ comm: 'a (b) c', ticks: 11 });
    expect(parseProcessStat('not a stat line')).toBeNull();
  });

  it('splits the ticks into the nodes, their pipeline processes and the PostgreSQL server', () => {
    const stats = [
      statLine(100, 'node', 1, 300, 20), // node 1 (SMTP intake)
      statLine(101, 'node', 100, 500, 40), // node 1's pipeline process
      statLine(200, 'node', 1, 100, 10), // node 2
      statLine(201, 'node', 200, 200, 0), // node 2's pipeline process
      statLine(300, 'postgres', 1, 1000, 200), // the server's backends and helpers
      statLine(301, 'postgres', 300, 50, 5),
      statLine(400, 'node', 1, 9999, 0), // the load generator or a stranger: not a server
    ].map((l) => parseProcessStat(l)!);
    expect(serverCpu(stats, [100, 200])).toEqual({ intake: 430, pipeline: 740, database: 1255 });
  });

  it('gives milliseconds a report by process between two readings, and prints them in that order', () => {
    const reading = readCpu();
    const later = {
      ...reading,
      own: { user: reading.own.user + 400_000, system: reading.own.system + 100_000 },
    };
    // 2,000 reports: 136 ticks of intake (1.36 s), 268 of pipeline, 268 of database; the load 0.5 s.
    const c = reportCpu(
      { servers: { intake: 1000, pipeline: 2000, database: 5000 }, reading },
      { servers: { intake: 1136, pipeline: 2268, database: 5268 }, reading: later },
      2000,
      true,
    );
    expect(c).toEqual({ intake: 0.68, pipeline: 1.34, database: 1.34, load: 0.25 });
    expect(describeReportCpu(c)).toBe('0.68 / 1.34 / 1.34 / 0.25');
    // What the report cost the machine: beyond the 2 ms that 1,000 reports/s leaves on two cores.
    expect(reportCpuTotal(c!)).toBeCloseTo(3.61, 10);
    // SQLite: the database's work is the nodes' own, so it has no column of its own.
    expect(
      describeReportCpu(
        reportCpu(
          { servers: { intake: 1000, pipeline: 2000, database: 5000 }, reading },
          { servers: { intake: 1164, pipeline: 2388, database: 5001 }, reading },
          2000,
          false,
        ),
      ),
    ).toBe('0.82 / 1.94 / – / 0.00');
  });

  it('says unknown where there is no /proc, instead of failing the benchmark', () => {
    const none = { servers: { intake: 0, pipeline: 0, database: 0 }, reading: readCpu() };
    expect(describeReportCpu(reportCpu(none, none, 100, true))).toBe('unknown');
  });

  it.runIf(existsSync('/proc/self/stat'))('finds this process among the machine’s processes (Linux)', () => {
    const self = readProcessStats().find((s) => s.pid === process.pid);
    expect(self).toMatchObject({ ppid: process.ppid });
    expect(self!.ticks).toBeGreaterThanOrEqual(0);
  });
});
