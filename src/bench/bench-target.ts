import { PgConnection, redactUrl } from '../db/postgres/pg-connection.ts';

/** Where a benchmark run's servers keep their data: the SQLite file of a temp data dir, or PostgreSQL. */
export interface BenchTarget {
  /** The column the figures go in. */
  label: string;
  engine: 'sqlite' | 'postgres';
  /** Server processes sharing the database (more than one only on PostgreSQL). */
  nodes: number;
  /** The PostgreSQL database each run gets a fresh schema in. */
  postgresUrl?: string;
  /** Why this column is not measured, in a few words for its cells (PostgreSQL unreachable, not asked for). */
  notRun?: string;
  /** The whole reason (the connection error), printed once above the tables. */
  notRunDetail?: string;
}

/** The PostgreSQL database the benchmark makes its scratch schemas in. */
export const benchPostgresUrl = (): string =>
  process.env.ABUSEDESK_BENCH_POSTGRES_URL || 'postgres://127.0.0.1:5432/postgres';

/** Why PostgreSQL at `url` cannot be used (connecting fails), or null when it can. */
export function postgresProblem(url: string): string | null {
  try {
    const u = new URL(url);
    // An unreachable host fails the probe in seconds instead of hanging the whole benchmark.
    if (!u.searchParams.has('connect_timeout')) u.searchParams.set('connect_timeout', '5');
    new PgConnection(u.toString()).close();
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0]!.replace(url, redactUrl(url));
  }
}

/** SQLite, PostgreSQL with one node, PostgreSQL with two nodes: the columns of the engine tables. */
export function benchTargets(engines: readonly string[]): BenchTarget[] {
  const sqlite: BenchTarget = { label: 'SQLite', engine: 'sqlite', nodes: 1 };
  if (!engines.includes('sqlite')) sqlite.notRun = 'not asked for (--engines)';
  const postgresUrl = benchPostgresUrl();
  const problem = engines.includes('postgres') ? postgresProblem(postgresUrl) : 'not asked for (--engines)';
  const why = problem && {
    notRun: /cannot connect/.test(problem)
      ? 'PostgreSQL unreachable'
      : /optional module libpq/.test(problem)
        ? 'libpq not installed'
        : problem,
    notRunDetail: problem,
  };
  return [
    sqlite,
    { label: 'PostgreSQL 1 node', engine: 'postgres', nodes: 1, postgresUrl, ...why },
    { label: 'PostgreSQL 2 nodes', engine: 'postgres', nodes: 2, postgresUrl, ...why },
  ];
}

let runs = 0;
/** A schema of its own for one run (`bench_<pid>_<n>`), in the database `url` names. */
export function scratchSchemaUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', `bench_${process.pid}_${++runs}`);
  return u.toString();
}
