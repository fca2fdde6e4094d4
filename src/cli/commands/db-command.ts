import type { Command } from 'commander';
import { backupDatabase } from '../../db/backup-database.ts';
import { migrate, schemaVersion } from '../../db/migrate.ts';
import { databaseName, databasePath, openDatabase } from '../../db/open-database.ts';
import { commandConfig, formatCount, printJson } from '../cli-context.ts';

export function registerDbCommand(program: Command): void {
  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply pending schema migrations (serve also does this at start)')
    .action((_opts: unknown, cmd: Command) => {
      const { config } = commandConfig(cmd);
      const handle = openDatabase(config, { migrate: false });
      try {
        const applied = migrate(handle);
        for (const m of applied)
          process.stdout.write(`applied ${String(m.version).padStart(3, '0')}-${m.name}\n`);
        process.stdout.write(
          `${databaseName(config)} is at schema version ${schemaVersion(handle)}${applied.length ? '' : ' (up to date)'}\n`,
        );
      } finally {
        handle.close();
      }
    });
  db.command('purge')
    .description(
      'remove data past its retention (config retention.*), in small batches; --dry-run only counts (suppressions are never purged)',
    )
    .option('--dry-run', 'print per data type what would be removed, remove nothing')
    .option('--json', 'print the result as one JSON object')
    .action(async (o: { dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const { config } = commandConfig(cmd);
      const handle = openDatabase(config);
      try {
        const { purgeFromCli } = await import('../../lifecycle/purge-cli.ts');
        const r = await purgeFromCli(handle, config, {
          dryRun: o.dryRun === true,
          actor: `cli:${process.env.USER ?? 'staff'}`,
          progress: process.stderr.isTTY
            ? (type, n) => process.stderr.write(`\r${type}: ${formatCount(n)} removed`)
            : undefined,
        });
        if (process.stderr.isTTY && !o.dryRun) process.stderr.write('\n');
        if (o.json) return printJson(r);
        for (const t of r.types)
          process.stdout.write(
            `${t.type.padEnd(17)} ${formatCount(t.removed).padStart(9)} ${r.dryRun ? 'would be removed' : 'removed'} (older than ${t.days} d: before ${t.cutoff})\n`,
          );
        for (const k of r.kept) process.stdout.write(`${k.padEnd(17)} kept forever (retention null)\n`);
      } finally {
        handle.close();
      }
    });
  db.command('copy')
    .description(
      'copy the SQLite database into an empty PostgreSQL database (migrated first), then compare row counts',
    )
    .requiredOption('--to <url>', 'the PostgreSQL database: postgres://user@host:5432/database[?schema=name]')
    .option('--from <file>', 'the SQLite file (default: the configured one, dataDir/database.file)')
    .option('--json', 'print the result as one JSON object')
    .action(async (o: { to: string; from?: string; json?: boolean }, cmd: Command) => {
      const { copyDatabaseFromCli } = await import('../copy-database-from-cli.ts');
      copyDatabaseFromCli(commandConfig(cmd).config, o);
    });
  db.command('backup <file>')
    .description('consistent online copy of the database (SQLite backup API), safe while serve runs')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const { config } = commandConfig(cmd);
      const handle = openDatabase(config);
      try {
        const tty = process.stderr.isTTY;
        const out = await backupDatabase(handle, file, (p) => {
          if (tty)
            process.stderr.write(
              `\rbackup ${Math.round(((p.totalPages - p.remainingPages) / Math.max(1, p.totalPages)) * 100)}%`,
            );
        });
        if (tty) process.stderr.write('\n');
        process.stdout.write(`backed up ${databasePath(config)} to ${out}\n`);
      } finally {
        handle.close();
      }
    });
}
