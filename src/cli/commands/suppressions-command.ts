import type { Command } from 'commander';
import { clientIdBySlug } from '../../store/clients-store.ts';
import type { Database } from 'better-sqlite3';
import {
  countSuppressions,
  iterateSuppressions,
  suppressionReasons,
  type Suppression,
  type SuppressionReason,
} from '../../store/suppressions-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { parseSuppressionTarget } from '../../store/suppression-target.ts';
import { addSuppressions, removeSuppressions } from '../../suppress/change-suppressions.ts';
import { suppressionRules } from '../../suppress/suppression-rules.ts';
import { formatCount, withDatabase } from '../cli-context.ts';
import { isId, isText, listOptions, runList, type ListFlags } from '../list-output.ts';
import { SUPPRESSION_CSV_COLUMNS, suppressionCsvLine } from '../../store/suppressions-csv.ts';

const clientId = (db: Database, slug: string | undefined): number | null => {
  if (!slug || slug === '*') return null;
  const id = clientIdBySlug(db, slug);
  if (id === null) throw new CliError(`unknown client "${slug}"`, EXIT.notFound);
  return id;
};

export function registerSuppressionsCommand(program: Command): void {
  const s = program
    .command('suppressions')
    .description('addresses the ESP must not mail, per client (or global)');
  listOptions(
    s
      .command('list')
      .description('suppressions, most recent first')
      .option('--address <pattern>', 'address, * as wildcard')
      .option('--client <slug>', 'only this client (* for global ones)')
      .option('--reason <reason>', suppressionReasons.join(', ')),
  ).action((o: ListFlags & { address?: string; client?: string; reason?: string }, cmd: Command) =>
    withDatabase(cmd, (db) => {
      const filters = { address: o.address, client: o.client, reason: o.reason };
      return runList<Suppression, [string, number]>(cmd, o, {
        name: 'suppressions list',
        filters,
        rows: (after, limit) =>
          iterateSuppressions(db, {
            ...filters,
            after: after ? { lastSeen: after[0], id: after[1] } : null,
            limit,
          }),
        count: () => countSuppressions(db, filters),
        keyOf: (r) => [r.lastSeen, r.id],
        isKey: (k): k is [string, number] => Array.isArray(k) && k.length === 2 && isText(k[0]) && isId(k[1]),
        columns: [
          'address',
          'client',
          'reason',
          'count',
          'firstSeen',
          'lastSeen',
          'evidenceReportId',
          'createdBy',
          'timeToSuppression',
        ],
        cells: (r) => ({
          ...r,
          client: r.client ?? '(global)',
          count: formatCount(r.count),
          timeToSuppression:
            r.timeToSuppressionMs === null ? null : `${formatCount(Math.round(r.timeToSuppressionMs))} ms`,
        }),
      });
    }),
  );
  s.command('add <address>')
    .description('suppress an address, or a whole domain as @DOMAIN or *@DOMAIN, by hand')
    .option('--client <slug>', 'for this client (default: global)')
    .option('--reason <reason>', suppressionReasons.join(', '), 'manual')
    .option('--note <text>', 'why')
    .option('--stream <name>', 'only this mail stream of the client (e.g. marketing)')
    .action(
      (
        address: string,
        o: { client?: string; reason: string; note?: string; stream?: string },
        cmd: Command,
      ) =>
        withDatabase(cmd, (db, loaded) => {
          if (!suppressionReasons.includes(o.reason as SuppressionReason))
            throw new CliError(`--reason must be one of ${suppressionReasons.join(', ')}`, EXIT.usage);
          let target: string;
          try {
            target = parseSuppressionTarget(address).value;
          } catch (e) {
            throw new CliError((e as Error).message, EXIT.usage);
          }
          clientId(db, o.client);
          const [r] = addSuppressions(
            db,
            [
              {
                address: target,
                client: o.client ?? null,
                reason: o.reason,
                note: o.note ?? null,
                stream: o.stream ?? null,
              },
            ],
            {
              actor: `cli:${process.env.USER ?? 'staff'}`,
              now: new Date(),
              rules: suppressionRules(loaded.config),
            },
          );
          if (r!.status === 'invalid') throw new CliError(r!.error!, EXIT.usage);
          process.stdout.write(
            `${target} ${r!.status === 'created' ? 'suppressed' : 'was already suppressed'} (${o.reason}, ${o.client ?? 'global'}${o.stream ? `, stream ${o.stream}` : ''})\n`,
          );
        }),
    );
  s.command('remove <address>')
    .description('un-suppress an address (for one client, or every scope with --all)')
    .option('--client <slug>', 'only this client')
    .option('--all', 'every client and global')
    .option('--reason <reason>', 'only this reason')
    .option('--stream <name>', 'only the rows of this mail stream')
    .option('--why <text>', 'the staff reason (needed to lift a complaint, unsubscribe or opt-out)')
    .action(
      (
        address: string,
        o: { client?: string; all?: boolean; reason?: string; stream?: string; why?: string },
        cmd: Command,
      ) =>
        withDatabase(cmd, (db, loaded) => {
          if (!o.client && !o.all)
            throw new CliError('say --client SLUG, or --all for every scope', EXIT.usage);
          if (o.client) clientId(db, o.client);
          const [r] = removeSuppressions(
            db,
            [
              {
                address,
                client: o.client,
                all: o.all,
                reason: o.reason,
                ...(o.stream ? { stream: o.stream } : {}),
              },
            ],
            {
              actor: `cli:${process.env.USER ?? 'staff'}`,
              now: new Date(),
              rules: suppressionRules(loaded.config),
              why: o.why ?? null,
            },
          );
          if (r!.status === 'invalid') throw new CliError(r!.error!, EXIT.usage);
          if (r!.status === 'refused') throw new CliError(`${r!.error!}: add --why TEXT`, EXIT.usage);
          const n = r!.removed ?? 0;
          process.stdout.write(`removed ${n} suppression(s) of ${address.toLowerCase()}\n`);
          if (n === 0) process.exitCode = 1;
        }),
    );
  s.command('export')
    .description('every suppression as CSV on stdout')
    .option('--client <slug>', 'only this client')
    .action((o: { client?: string }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        process.stdout.write(`${SUPPRESSION_CSV_COLUMNS.join(',')}\n`);
        for (const r of iterateSuppressions(db, { client: o.client, limit: null }))
          process.stdout.write(`${suppressionCsvLine(r, false)}\n`);
      }),
    );
}
