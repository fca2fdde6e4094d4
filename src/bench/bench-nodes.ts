import type { ChildProcess } from 'node:child_process';
import { dropSchema } from '../db/postgres/drop-schema.ts';
import { scratchSchemaUrl, type BenchTarget } from './bench-target.ts';
import { spawnBenchServer } from './spawn-bench-server.ts';

export interface BenchNode {
  child: ChildProcess;
  /** What the server printed once listening: port, dir, http, token. */
  facts: Record<string, string>;
}

export interface BenchNodes {
  nodes: BenchNode[];
  /** The run's PostgreSQL URL (its own schema), or null on SQLite. */
  databaseUrl: string | null;
  /** Starts one more node on the same database, loading nothing (PostgreSQL). */
  addNode(): Promise<void>;
  /** Stops every node, then drops the run's schema. */
  stop(): Promise<void>;
}

/**
 * Starts the bench servers of one run on `target`: on PostgreSQL a fresh schema, shared by `target.nodes`
 * processes. The first node loads the data (demo clients, sends, suppressions); the others start after it is
 * listening, without loading anything, so every node sees the one copy.
 */
export async function startBenchNodes(
  mode: 'intake' | 'e2e' | 'api',
  sends: number,
  target: BenchTarget,
): Promise<BenchNodes> {
  const databaseUrl = target.engine === 'postgres' ? scratchSchemaUrl(target.postgresUrl!) : null;
  const running: Array<BenchNode & { stop: () => Promise<void> }> = [];
  const start = async (): Promise<void> => {
    if (running.length > 0 && !databaseUrl) throw new Error('several nodes share a PostgreSQL database only');
    running.push(
      await spawnBenchServer([
        mode,
        String(sends),
        ...(databaseUrl ? ['--database-url', databaseUrl] : []),
        ...(running.length > 0 ? ['--no-seed'] : []),
      ]),
    );
  };
  const stop = async (): Promise<void> => {
    await Promise.all(running.map((n) => n.stop()));
    if (databaseUrl) dropSchema(databaseUrl);
  };
  try {
    for (let i = 0; i < target.nodes; i++) await start();
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  return { nodes: running, databaseUrl, addNode: start, stop };
}
