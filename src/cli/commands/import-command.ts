import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { importKinds, importRecords, type BadRow, type ImportKind } from '../../import/import-records.ts';
import { createProgressBar } from '../../import/progress-bar.ts';
import type { RecordFormat } from '../../import/read-records.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { describeError } from '../describe-error.ts';
import { withDatabase } from '../cli-context.ts';
import { importSuppressions } from '../../suppress/import-suppressions.ts';
import { suppressionRules } from '../../suppress/suppression-rules.ts';

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function registerImportCommand(program: Command): void {
  program
    .command('import <kind> <file>')
    .description(
      `load ${[...importKinds, 'suppressions'].join(', ')} from a JSONL or CSV file; keeps good rows, reports bad ones by line`,
    )
    .option('--format <format>', 'jsonl or csv (default: from the file name, else its first character)')
    .action(async (kind: string, file: string, opts: { format?: string }, cmd: Command) => {
      const kinds = [...importKinds, 'suppressions'];
      if (!kinds.includes(kind))
        throw new CliError(`cannot import "${kind}": choose ${kinds.join(', ')}`, EXIT.usage);
      if (opts.format !== undefined && opts.format !== 'jsonl' && opts.format !== 'csv')
        throw new CliError('--format must be jsonl or csv', EXIT.usage);
      let size: number;
      try {
        const st = statSync(file);
        size = st.size;
        if (!st.isFile()) throw new CliError(`${file}: not a regular file`, EXIT.usage);
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(describeError(e).message, describeError(e).exitCode);
      }
      await withDatabase(cmd, async (db, loaded) => {
        const bar = process.stderr.isTTY
          ? createProgressBar(process.stderr, size, `importing ${kind}`)
          : null;
        const report = (b: BadRow): void => {
          const line = `${file}:${b.line}: ${b.error}`;
          if (bar) bar.log(line);
          else process.stderr.write(`${line}\n`);
        };
        let summary;
        try {
          summary =
            kind === 'suppressions'
              ? await importSuppressions(db, file, {
                  format: opts.format as RecordFormat | undefined,
                  context: {
                    actor: `cli:${process.env.USER ?? 'staff'}`,
                    now: () => new Date(),
                    rules: suppressionRules(loaded.config),
                  },
                  onBadRow: report,
                  onBytes: (bytes) => bar?.update(bytes),
                })
              : await importRecords(db, kind as ImportKind, file, {
                  format: opts.format as RecordFormat | undefined,
                  onBadRow: report,
                  onBytes: (bytes) => bar?.update(bytes),
                });
        } catch (e) {
          // fs errors carry a syscall (read, open…); anything else is not about the file and propagates as is.
          if (e instanceof Error && 'syscall' in e)
            throw new CliError(describeError(e).message, describeError(e).exitCode);
          throw e;
        } finally {
          bar?.finish();
        }
        const singular = kind.slice(0, -1);
        const bad = summary.bad ? `, ${plural(summary.bad, 'bad row')} (see above)` : '';
        process.stdout.write(
          `imported ${plural(summary.imported, singular)}${bad} in ${(summary.ms / 1000).toFixed(1)} s\n`,
        );
        // 2: the file was read but nothing in it was usable — a wrong file or a wrong kind, most likely.
        if (summary.imported === 0 && summary.bad > 0)
          throw new CliError(`no ${kind} imported: every row was bad`, EXIT.usage);
      });
    });
}
