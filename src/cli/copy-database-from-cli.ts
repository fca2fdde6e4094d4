import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/config-schema.ts';
import {
  copyDatabase,
  CopyRefusedError,
  type CopyProgress,
  type CopyResult,
} from '../lifecycle/copy-database.ts';
import { databasePath, isDatabaseUrl, openPostgres, openReadOnlyDatabase } from '../db/open-database.ts';
import { PgError, redactUrl } from '../db/postgres/pg-connection.ts';
import { CliError, EXIT, notFound, unavailable, usageError } from './cli-error.ts';
import { formatCount, printJson } from './cli-context.ts';

/** How often a terminal's progress line is redrawn at most. */
const REDRAW_MS = 250;
/** Without a terminal (a log file), one progress line per this many batches, and one when a table is done. */
const BATCHES_PER_LINE = 10;

const progressLine = (p: CopyProgress): string =>
  `table ${p.index}/${p.tables} ${p.table}: ${formatCount(p.copied)} / ${formatCount(p.total)} rows`;

/** The copy's progress on stderr: redrawn in place on a terminal, whole lines now and then otherwise. */
function progressWriter(): (p: CopyProgress) => void {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let batches = 0;
  return (p) => {
    if (tty) {
      const now = Date.now();
      if (!p.done && now - last < REDRAW_MS) return;
      last = now;
      process.stderr.write(`\r${progressLine(p)}\x1b[K${p.done ? '\n' : ''}`);
      return;
    }
    if (p.done) batches = 0;
    else if (++batches % BATCHES_PER_LINE !== 0) return;
    process.stderr.write(`${progressLine(p)}\n`);
  };
}

/** The verification table: each table's rows on both sides. */
function printCounts(result: CopyResult): void {
  const width = Math.max(5, ...result.tables.map((t) => t.table.length));
  const line = (a: string, b: string, c: string, d: string): boolean =>
    process.stdout.write(`${a.padEnd(width)}  ${b.padStart(11)}  ${c.padStart(13)}  ${d}\n`);
  line('table', 'sqlite rows', 'postgres rows', 'check');
  for (const t of result.tables)
    line(t.table, formatCount(t.sqliteRows), formatCount(t.postgresRows), t.ok ? 'ok' : 'MISMATCH');
}

/**
 * `abusedesk db copy --to URL [--from FILE] [--json]`: the SQLite database (the config's, or FILE) into an
 * empty PostgreSQL database or schema, migrated first; then the row counts of both sides side by side.
 */
export function copyDatabaseFromCli(config: Config, o: { to: string; from?: string; json?: boolean }): void {
  if (!isDatabaseUrl(o.to))
    throw usageError(`--to must be a PostgreSQL URL, postgres://user@host:5432/database[?schema=name]`);
  const file = o.from ? resolve(o.from) : databasePath(config);
  if (!existsSync(file)) throw notFound(`${file}: no such file or directory`);
  const source = openReadOnlyDatabase(file, config.database.busyTimeoutMs);
  try {
    let target;
    try {
      target = openPostgres(o.to);
    } catch (e) {
      if (e instanceof PgError && e.code === 'PG_CONNECTION')
        throw unavailable(e.message.split('\n')[0]!.trim());
      throw e;
    }
    try {
      const started = performance.now();
      let result: CopyResult;
      try {
        result = copyDatabase(source, target, { onProgress: progressWriter() });
      } catch (e) {
        if (e instanceof CopyRefusedError) throw usageError(e.message);
        throw e;
      }
      const seconds = (performance.now() - started) / 1000;
      const to = redactUrl(o.to);
      if (o.json) printJson({ from: file, to, ...result, seconds: Number(seconds.toFixed(3)) });
      else {
        printCounts(result);
        process.stdout.write(
          `copied ${formatCount(result.rows)} rows in ${result.tables.length} tables from ${file} to ${to} in ${seconds.toFixed(1)} s\n`,
        );
      }
      const off = result.tables.filter((t) => !t.ok).map((t) => t.table);
      if (off.length)
        throw new CliError(
          `row counts differ in ${off.length} table${off.length > 1 ? 's' : ''}: ${off.join(', ')}`,
          EXIT.failed,
        );
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
}
