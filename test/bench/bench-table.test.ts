import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { benchTable } from '../../src/bench/bench-table.ts';
import { benchTargets } from '../../src/bench/bench-target.ts';

/** A loopback port nothing listens on: bound by the system, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run bench: engines side by side', () => {
  const saved = process.env.ABUSEDESK_BENCH_POSTGRES_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.ABUSEDESK_BENCH_POSTGRES_URL;
    else process.env.ABUSEDESK_BENCH_POSTGRES_URL = saved;
  });

  it('has a column per engine; PostgreSQL unreachable says why it was not run', async () => {
    process.env.ABUSEDESK_BENCH_POSTGRES_URL = `postgres://127.0.0.1:${await closedPort()}/postgres`;
    const targets = benchTargets(['sqlite', 'postgres']);
    expect(targets.map((t) => [t.label, t.nodes])).toEqual([
      ['SQLite', 1],
      ['PostgreSQL 1 node', 1],
      ['PostgreSQL 2 nodes', 2],
    ]);
    expect(targets[0]!.notRun).toBeUndefined();
    expect(targets[1]!.notRun).toMatch(/^(PostgreSQL unreachable|libpq not installed)$/);
    expect(targets[1]!.notRunDetail).toMatch(/cannot connect to PostgreSQL|optional module libpq/);
    expect(targets[2]!.notRun).toBe(targets[1]!.notRun);
  });

  it('prints the figures, the target and whether each applicable column met it', () => {
    const columns = ['SQLite', 'PostgreSQL 1 node', 'PostgreSQL 2 nodes'];
    const text = benchTable(columns, [
      {
        label: 'reports/s',
        cells: [1200, 'not run: no server', 'not run'],
        target: '≥ 1,000',
        meets: (v) => v >= 1000,
      },
      {
        label: 'p99 ms',
        cells: [80, 120, 300],
        target: '< 100 (1 node)',
        meets: (v, i) => (i < 2 ? v < 100 : null),
      },
      { label: 'note', cells: [null, null, 1.5], decimals: 2 },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+SQLite\s+PostgreSQL 1 node\s+PostgreSQL 2 nodes\s+target\s+met$/);
    expect(lines[1]).toMatch(/reports\/s\s+1,200\s+not run: no server\s+not run\s+≥ 1,000\s+met$/);
    expect(lines[2]).toMatch(/p99 ms\s+80\s+120\s+300\s+< 100 \(1 node\)\s+missed \(PostgreSQL 1 node\)$/);
    expect(lines[3]).toMatch(/note\s+—\s+—\s+1\.50$/);
  });
});
