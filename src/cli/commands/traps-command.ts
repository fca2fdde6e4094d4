import type { Command } from 'commander';
import { addTrapByStaff, listTraps, normalizeTrap, removeTrapByStaff } from '../../enforcement/spam-traps.ts';
import { CliError } from '../cli-error.ts';
import { printJson, printTable, withDatabase } from '../cli-context.ts';

export function registerTrapsCommand(program: Command): void {
  const traps = program
    .command('traps')
    .description('the managed spam-trap list: a complaint or bounce involving one is a trap hit');
  traps
    .command('list')
    .description('trap addresses and @domains')
    .option('--json', 'print one JSON array')
    .action((o: { json?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        const rows = listTraps(db);
        if (o.json) return printJson(rows);
        printTable(rows as unknown as Array<Record<string, unknown>>, [
          'address',
          'source',
          'note',
          'createdBy',
          'createdAt',
        ]);
      }),
    );
  traps
    .command('add <address>')
    .description('add an address, or @domain for a whole trap domain')
    .option('--note <text>', 'where it comes from')
    .action((address: string, o: { note?: string }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        let entry: string;
        try {
          entry = normalizeTrap(address);
        } catch (e) {
          throw new CliError((e as Error).message, 2);
        }
        const created = addTrapByStaff(db, {
          address: entry,
          note: o.note ?? null,
          actor: `cli:${process.env.USER ?? 'staff'}`,
          now: new Date(),
        });
        process.stdout.write(`${entry} ${created ? 'added' : 'was already listed'}\n`);
      }),
    );
  traps
    .command('remove <address>')
    .description('remove a staff-added entry (config entries are removed from config)')
    .action((address: string, _o: unknown, cmd: Command) =>
      withDatabase(cmd, (db) => {
        const entry = address.trim().toLowerCase();
        const r = removeTrapByStaff(db, {
          address: entry,
          actor: `cli:${process.env.USER ?? 'staff'}`,
          now: new Date(),
        });
        if (r === 'unknown') throw new CliError(`"${entry}" is not listed`);
        if (r === 'config')
          throw new CliError(`"${entry}" comes from config enforcement.trapAddresses: remove it there`);
        process.stdout.write(`${entry} removed\n`);
      }),
    );
}
