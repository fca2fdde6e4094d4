import type { Command } from 'commander';
import { confirmOnTerminal } from '../../lifecycle/confirm-on-terminal.ts';
import { eraseAddress, ErasureError } from '../../lifecycle/erase-address.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { formatCount, printJson, withDatabase } from '../cli-context.ts';

export function registerEraseCommand(program: Command): void {
  program
    .command('erase <address>')
    .description(
      "erase every stored trace of a person's address; suppressions keep only its keyed hash, so it stays suppressed",
    )
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print the result as one JSON object')
    .action((address: string, o: { yes?: boolean; json?: boolean }, cmd: Command) =>
      withDatabase(cmd, async (db, { config }) => {
        if (
          !o.yes &&
          !(await confirmOnTerminal(
            `Erase every stored trace of ${address.trim()}? This cannot be undone. Type "erase" to go ahead: `,
            'erase',
          ))
        )
          throw new CliError(
            'not erased: confirm on a terminal, or pass --yes to erase without asking',
            EXIT.usage,
          );
        let r;
        try {
          r = await eraseAddress(db, {
            address,
            hashKey: config.privacy.hashKey,
            dataDir: config.dataDir,
            actor: `cli:${process.env.USER ?? 'staff'}`,
            now: new Date(),
          });
        } catch (e) {
          if (e instanceof ErasureError) throw new CliError(e.message, EXIT.usage);
          throw e;
        }
        if (o.json) return printJson(r);
        const out = (s: string): boolean => process.stdout.write(`${s}\n`);
        out(`erasure ${r.id}: kept as hash ${r.hash}`);
        const entries = Object.entries(r.counts);
        if (entries.length === 0) out('  nothing stored named this address');
        for (const [table, n] of entries) out(`  ${table.padEnd(22)} ${formatCount(n).padStart(7)}`);
        for (const f of r.filesRemaining)
          out(`  not touched: ${f} (not abusedesk's own copy; remove it yourself)`);
        for (const t of r.remaining)
          out(
            `  still stored: ${t.table}.${t.column} (${t.rows} rows; staff accounts and traps are not erased here)`,
          );
        if (!r.compacted)
          out('  the database file could not be compacted now: run `abusedesk erase` again later');
      }),
    );
}
