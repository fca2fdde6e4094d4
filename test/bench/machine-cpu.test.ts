import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { busyShare, describeBusy, machineLoad, readCpu, readCpuTimes } from '../../src/bench/machine-cpu.ts';

/** /proc/stat as Linux writes it: the aggregate line, then one per core (proc(5)). */
const stat = (user: number, system: number, idle: number, iowait: number): string =>
  [
    `cpu  ${user} 0 ${system} ${idle} ${iowait} 0 7 0 40 0`,
    `cpu0 ${user / 2} 0 ${system / 2} ${idle / 2} ${iowait / 2} 0 3 0 20 0`,
    'intr 1234 0 0',
    'ctxt 98765',
  ].join('\n');

describe('how busy the machine was while a benchmark figure was measured', () => {
  it('counts idle and iowait as unused, everything else as work; guest time is not counted twice', () => {
    // user 100 + system 50 + softirq 7 busy; idle 800 + iowait 43 unused; guest 40 is inside user already.
    expect(readCpuTimes(() => stat(100, 50, 800, 43))).toEqual({ busy: 157, total: 1000 });
  });

  it('gives the busy share between two readings', () => {
    const before = readCpuTimes(() => stat(100, 50, 800, 43));
    // 190 more ticks of work and 10 more idle: the cores were busy 95 % of the time between the readings.
    const after = readCpuTimes(() => stat(250, 90, 810, 43));
    expect(busyShare(before, after)).toBeCloseTo(0.95, 5);
    expect(describeBusy({ busy: busyShare(before, after), load: 0.214 }, 2)).toBe(
      '95 % of 2 cores (load 21 %)',
    );
  });

  it('says unknown where the kernel gives no figures, instead of failing the benchmark', () => {
    const missing = readCpuTimes(() => {
      throw new Error('ENOENT: /proc/stat');
    });
    expect(missing).toBeNull();
    expect(readCpuTimes(() => 'no cpu line here')).toBeNull();
    expect(
      busyShare(
        missing,
        readCpuTimes(() => stat(1, 1, 1, 1)),
      ),
    ).toBeNull();
    // Two readings in the same tick: no time passed, no share.
    const same = readCpuTimes(() => stat(1, 1, 1, 1));
    expect(busyShare(same, same)).toBeNull();
    expect(describeBusy(null)).toBe('unknown');
    expect(describeBusy({ busy: null, load: 0.2 })).toBe('unknown');
  });

  it('counts the load generator’s own CPU time against the wall time and the cores', () => {
    const before = { machine: null, own: { user: 1_000_000, system: 500_000 }, at: 10_000_000_000n };
    // 2 s later the process had used 1.5 s of CPU more: 37.5 % of a 2-core machine.
    const after = { machine: null, own: { user: 2_000_000, system: 1_000_000 }, at: 12_000_000_000n };
    expect(machineLoad(before, after, 2)).toEqual({ busy: null, load: 0.375 });
  });

  it.runIf(existsSync('/proc/stat'))('reads this machine', () => {
    const t = readCpuTimes();
    expect(t).not.toBeNull();
    expect(t!.total).toBeGreaterThan(0);
    expect(t!.busy).toBeLessThanOrEqual(t!.total);
    let spin = 0;
    const before = readCpu();
    // Work until the kernel's counters moved by 20 ticks (a tick is 10 ms a core): this process kept a core busy
    // for most of them.
    while (readCpuTimes()!.total < before.machine!.total + 20) spin++;
    const m = machineLoad(before, readCpu());
    expect(spin).toBeGreaterThan(0);
    expect(m.busy).not.toBeNull();
    expect(m.busy!).toBeGreaterThan(0);
    expect(m.busy!).toBeLessThanOrEqual(1);
    expect(m.load).toBeGreaterThan(0);
  });
});
