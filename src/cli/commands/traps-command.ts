import type { Command } from 'commander';
import { addTrapByStaff, normalizeTrap, removeTrapByStaff } from '../../enforcement/spam-traps.ts';
import { countTraps, iterateTraps } from '../../store/traps-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { withDatabase } from '../cli-context.ts';
import { isText, listOptions, runList, type ListFlags } from '../list-output.ts';

export function registerTrapsCommand(program: Command): void {
  const traps = program
    .command('traps')
    .description('the managed spam-trap list: a complaint or bounce involving one is a trap hit');
  listOptions(traps.command('list').description('trap addresses and @domains')).action(
    (o: ListFlags, cmd: Command) =>
      withDatabase(cmd, (db) =>
        runList(cmd, o, {
          name: 'traps list',
          filters: {},
          rows: (after, limit) => iterateTraps(db, { after, limit }),
          count: () => countTraps(db),
          keyOf: (t) => t.address,
          isKey: isText,
          columns: ['address', 'source', 'note', 'createdBy', 'createdAt'],
          cells: (t) => ({ ...t }),
        }),
      ),
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
          throw new CliError((e as Error).message, EXIT.usage);
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
        if (r === 'unknown') throw new CliError(`"${entry}" is not listed`, EXIT.notFound);
        if (r === 'config')
          throw new CliError(
            `"${entry}" comes from config enforcement.trapAddresses: remove it there`,
            EXIT.refused,
          );
        process.stdout.write(`${entry} removed\n`);
      }),
    );
}
