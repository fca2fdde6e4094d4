import { once } from 'node:events';
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

/** How times are shown: the local time zone, or UTC with --utc (JSON output always keeps ISO 8601 UTC). */
export interface TimeStyle {
  utc: boolean;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const pad = (n: number): string => String(n).padStart(2, '0');

/** "2026-11-30 07:29" in local time (or "… UTC" with --utc): minutes are what staff read in a table. */
export function formatTime(iso: string, style: TimeStyle): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (style.utc) return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "1,234": counts with thousands separators. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** A cell as text: times formatted, lists joined, objects summarised as "key=value, …" (never raw JSON). */
export function cellText(value: unknown, style: TimeStyle): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'string')
    return ISO_TIME.test(value) ? formatTime(value, style) : value.replace(/\s+/g, ' ');
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map((v) => cellText(v, style)).join(', ');
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== null && v !== undefined,
  );
  return entries.length === 0
    ? '-'
    : entries.map(([k, v]) => `${k}=${typeof v === 'object' ? '…' : cellText(v, style)}`).join(', ');
}

/** Terminal width, or a wide default when stdout is a pipe (scripts read whole lines). */
function terminalWidth(): number {
  return process.stdout.isTTY ? process.stdout.columns || 100 : 200;
}

/**
 * An aligned table that fits the terminal: columns keep their natural width up to what the line allows, the
 * widest ones give way first, and a cut cell ends in "…".
 */
export function printTable(
  rows: Array<Record<string, unknown>>,
  columns: string[],
  style: TimeStyle = { utc: false },
): void {
  for (const line of tableLines(naturalWidths(rows, columns, style), columns, rows, style))
    process.stdout.write(line);
}

/**
 * `printTable` for rows read from the database one at a time: `rows()` is called twice, once to measure the
 * columns and once to print, and output waits for stdout to drain, so memory stays flat however many rows
 * there are.
 */
export async function printTableStream(
  rows: () => Iterable<Record<string, unknown>>,
  columns: string[],
  style: TimeStyle = { utc: false },
): Promise<void> {
  await writeLines(tableLines(naturalWidths(rows(), columns, style), columns, rows(), style));
}

/** Each column's widest cell (or its name), in one pass over the rows. */
function naturalWidths(
  rows: Iterable<Record<string, unknown>>,
  columns: string[],
  style: TimeStyle,
): number[] {
  const widths = columns.map((c) => c.length);
  for (const r of rows)
    columns.forEach((c, i) => {
      widths[i] = Math.max(widths[i]!, cellText(r[c], style).length);
    });
  return widths;
}

/** The aligned lines of a table: the header, then one line per row. */
function* tableLines(
  natural: number[],
  columns: string[],
  rows: Iterable<Record<string, unknown>>,
  style: TimeStyle,
): Generator<string> {
  const widths = [...natural];
  const budget = terminalWidth() - 2 * (columns.length - 1);
  while (widths.reduce((a, b) => a + b, 0) > budget) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 8) break;
    widths[widest] = widths[widest]! - 1;
  }
  const fit = (v: string, w: number): string =>
    v.length > w ? `${v.slice(0, Math.max(0, w - 1))}…` : v.padEnd(w);
  const line = (vals: string[]): string =>
    vals
      .map((v, i) => fit(v, widths[i]!))
      .join('  ')
      .trimEnd();
  yield `${line(columns)}\n`;
  for (const r of rows) yield `${line(columns.map((c) => cellText(r[c], style)))}\n`;
}

/**
 * One JSON array on stdout, written as the rows arrive, byte for byte what `printJson` prints for the same
 * array.
 */
export async function printJsonArray(rows: Iterable<unknown>): Promise<void> {
  function* parts(): Generator<string> {
    let n = 0;
    yield '[';
    for (const r of rows)
      yield `${n++ === 0 ? '' : ','}\n  ${JSON.stringify(r, null, 2).replace(/\n/g, '\n  ')}`;
    yield n === 0 ? ']\n' : '\n]\n';
  }
  await writeLines(parts());
}

/**
 * Writes text to stdout in 64 KiB chunks, waiting for 'drain' whenever stdout's buffer is full: a pipe to a slow
 * reader would otherwise hold the whole output in memory.
 */
async function writeLines(parts: Iterable<string>): Promise<void> {
  let chunk = '';
  for (const part of parts) {
    chunk += part;
    if (chunk.length < 65536) continue;
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    chunk = '';
  }
  if (chunk && !process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

/**
 * The line under a list that did not show everything: "50 of 1,234 — use --limit N or --all". Silent when the
 * list is complete, so a script comparing counts need not parse it.
 */
export function printMore(shown: number, total: number): void {
  if (total > shown)
    process.stdout.write(
      `${formatCount(shown)} of ${formatCount(total)} — use --limit N or --all to see more\n`,
    );
}
