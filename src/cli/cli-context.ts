import type { Command } from 'commander';
import type { Database } from 'better-sqlite3';
import { loadConfig, type LoadedConfig } from '../config/load-config.ts';
import { openDatabase } from '../db/open-database.ts';
import type { Services } from '../service/services.ts';
import { globalOptions } from './global-options.ts';

/** Loads config (from --config / env) for a command. */
export function commandConfig(cmd: Command): LoadedConfig {
  return loadConfig({ file: globalOptions(cmd).config });
}

/** Runs `fn` with the database open, closing it afterwards. */
export async function withDatabase<T>(
  cmd: Command,
  fn: (db: Database, loaded: LoadedConfig) => Promise<T> | T,
): Promise<T> {
  const loaded = commandConfig(cmd);
  const db = openDatabase(loaded.config);
  try {
    return await fn(db, loaded);
  } finally {
    db.close();
  }
}

/** Runs `fn` with the services built from config (database open), closing the database afterwards. */
export async function withServices<T>(
  cmd: Command,
  fn: (svc: Services, loaded: LoadedConfig) => Promise<T> | T,
): Promise<T> {
  // Loaded here, not at the top: the services pull in the whole pipeline, which most commands never need.
  const { services } = await import('../service/services.ts');
  return withDatabase(cmd, (db, loaded) => fn(services(loaded.config, db), loaded));
}

/** `--json` output: one JSON array or object on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain left-aligned table for terminals. */
export function printTable(rows: Array<Record<string, unknown>>, columns: string[]): void {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '-';
    return typeof v === 'object' ? JSON.stringify(v) : `${v as string | number | boolean}`;
  };
  const widths = columns.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (vals: string[]): string =>
    vals
      .map((v, i) => v.slice(0, widths[i]).padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns)}\n`);
  for (const r of rows) process.stdout.write(`${line(columns.map((c) => cell(r[c])))}\n`);
}
