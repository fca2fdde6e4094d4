import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { usageError } from './cli-error.ts';
import {
  formatCount,
  printJson,
  printJsonArray,
  printMore,
  printTable,
  printTableStream,
} from './cli-context.ts';
import { timeStyle } from './global-options.ts';

/** Rows a human list shows when --limit is not given. */
export const DEFAULT_LIMIT = 50;

/** The options every list command takes. */
export interface ListFlags {
  limit?: string;
  all?: boolean;
  cursor?: string;
  json?: boolean;
}

/** Adds --limit, --all, --cursor and --json to a list command. */
export function listOptions(cmd: Command): Command {
  return cmd
    .option(
      '--limit <n>',
      `at most N rows (default ${DEFAULT_LIMIT}; --json prints every row unless --limit is given)`,
    )
    .option('--all', 'every row')
    .option('--cursor <cursor>', 'continue after the page that printed this cursor (on stderr)')
    .option('--json', 'print one JSON array (every row unless --limit is given)');
}

/** One list command's rows, in its order, and how to page through them. */
export interface ListSpec<R, K> {
  /** The command, e.g. "tickets list": a cursor is accepted only by the command and filters that issued it. */
  name: string;
  filters: Record<string, unknown>;
  /** Rows after `after` (exclusive; null: from the first), at most `limit` (null: every row), read lazily. */
  rows: (after: K | null, limit: number | null) => Iterable<R>;
  /** How many rows the list holds with these filters. */
  count: () => number;
  /** The row's position in the list's order: what the next page starts after. */
  keyOf: (row: R) => K;
  /** Whether a decoded cursor holds a key of this list's shape. */
  isKey: (key: unknown) => key is K;
  columns: string[];
  /** A row as the table shows it (default: the row). */
  cells?: (row: R) => Record<string, unknown>;
  /** A row as --json prints it (default: the row). */
  json?: (row: R) => unknown;
}

/** --limit as a number (null when not given); anything but a positive whole number is a usage error. */
export function parseLimit(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < 1)
    throw usageError(`--limit must be a positive whole number, got "${raw}"`);
  return n;
}

/** Ties a cursor to the command and its filters, so a cursor from another list or filter is refused. */
const fingerprint = (spec: { name: string; filters: Record<string, unknown> }): string =>
  createHash('sha256')
    .update(JSON.stringify([spec.name, spec.filters]))
    .digest('base64url')
    .slice(0, 8);

export function encodeCursor<K>(spec: Pick<ListSpec<never, K>, 'name' | 'filters'>, key: K): string {
  return Buffer.from(JSON.stringify([fingerprint(spec), key])).toString('base64url');
}

export function decodeCursor<K>(
  spec: Pick<ListSpec<never, K>, 'name' | 'filters' | 'isKey'>,
  cursor: string,
): K {
  let decoded: unknown = null;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // not base64url JSON: refused below
  }
  if (
    Array.isArray(decoded) &&
    decoded.length === 2 &&
    decoded[0] === fingerprint(spec) &&
    spec.isKey(decoded[1])
  )
    return decoded[1];
  throw usageError(
    `--cursor "${cursor}" was not issued by \`${spec.name}\` with these filters (use the one it printed on stderr)`,
  );
}

function* mapped<T, U>(rows: Iterable<T>, f: (row: T) => U): Generator<U> {
  for (const r of rows) yield f(r);
}

/**
 * Prints a list. Human output shows --limit rows (default 50) and says how many more exist; --all shows every
 * row. --json prints every row unless --limit is given. When --limit or --cursor is given and more rows exist,
 * stderr names the cursor of the next page. Rows of an unlimited list stream from the database.
 */
export async function runList<R, K>(cmd: Command, flags: ListFlags, spec: ListSpec<R, K>): Promise<void> {
  const limit = parseLimit(flags.limit);
  if (flags.all && limit !== null) throw usageError('--all and --limit exclude each other: choose one');
  const after = flags.cursor === undefined ? null : decodeCursor(spec, flags.cursor);
  const style = timeStyle(cmd);
  const json = spec.json ?? ((r: R): unknown => r);
  const cells = spec.cells ?? ((r: R) => r as Record<string, unknown>);

  if (flags.all || (flags.json && limit === null)) {
    if (flags.json) await printJsonArray(mapped(spec.rows(after, null), json));
    else await printTableStream(() => mapped(spec.rows(after, null), cells), spec.columns, style);
    return;
  }

  const size = limit ?? DEFAULT_LIMIT;
  // One row past the page tells whether another page exists without counting.
  const page = [...spec.rows(after, size + 1)];
  const more = page.length > size;
  if (more) page.length = size;
  if (flags.json) printJson(page.map(json));
  else printTable(page.map(cells), spec.columns, style);
  if (!more) return;
  const total = spec.count();
  if (!flags.json) printMore(page.length, total);
  if (limit !== null || after !== null)
    process.stderr.write(
      `abusedesk: ${formatCount(page.length)} of ${formatCount(total)} rows; next page: --cursor ${encodeCursor(spec, spec.keyOf(page[page.length - 1]!))}\n`,
    );
}

/** Cursor key guards for the common shapes. */
export const isId = (k: unknown): k is number => Number.isSafeInteger(k) && (k as number) > 0;
export const isText = (k: unknown): k is string => typeof k === 'string' && k.length > 0;
