import type { Command } from 'commander';
import type { Database } from 'better-sqlite3';
import { clientDetail, countClientSummaries, iterateClientSummaries } from '../../store/client-read-model.ts';
import { consentAnswersSchema } from '../../enforcement/consent-answers.ts';
import { enforceAllClients, enforceClient } from '../../enforcement/enforce-client.ts';
import { clientStatuses, type ClientStatus } from '../../enforcement/enforcement-types.ts';
import {
  reinstateClient,
  setClientStatus,
  StatusActionError,
} from '../../enforcement/staff-status-actions.ts';
import { countClientStatusHistory, iterateClientStatusHistory } from '../../store/enforcement-store.ts';
import { clientIdBySlug } from '../../store/clients-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import {
  formatCount,
  formatTime,
  printJson,
  printTable,
  withDatabase,
  withServices,
  type TimeStyle,
} from '../cli-context.ts';
import { timeStyle } from '../global-options.ts';
import { isId, isText, listOptions, runList, type ListFlags } from '../list-output.ts';

const actor = (): string => `cli:${process.env.USER ?? 'staff'}`;
const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(3)} %`;

/** Staff status errors as CLI exits: 1 for unknown / conflict, 2 for a refusal the user can fix. */
function asCli<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StatusActionError)
      throw new CliError(e.message, e.code === 'refused' ? EXIT.refused : EXIT.failed);
    throw e;
  }
}

function clientIdOf(db: Database, slug: string): number {
  const id = clientIdBySlug(db, slug);
  if (id === null) throw new CliError(`unknown client "${slug}"`, EXIT.notFound);
  return id;
}

function printDetail(db: Database, slug: string, style: TimeStyle, sharedListDays: number): void {
  const c = clientDetail(db, slug, { sharedListDays });
  if (!c) throw new CliError(`unknown client "${slug}"`, EXIT.notFound);
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  out(`${c.name} (${c.slug}) — status ${c.status}, score ${c.score ?? '-'}/100`);
  out(`domains: ${c.domains.join(', ') || '-'}`);
  out(
    `lifetime: ${formatCount(c.sent)} sent, ${formatCount(c.delivered)} delivered, ${formatCount(c.complaints)} complaints (${pct(c.complaintRate)}), ${formatCount(c.bounces)} bounces (${pct(c.bounceRate)})`,
  );
  const e = c.enforcement;
  if (e) {
    out(
      `\nenforcement (${e.mode}), window ${e.facts.windowStart.slice(0, 10)} … ${e.facts.windowEnd.slice(0, 10)}, assessed ${formatTime(e.at, style)}`,
    );
    out(
      `share of sends to feedback-loop providers: ${e.facts.fblShare === null ? 'unknown (too few sends in the send log)' : pct(e.facts.fblShare)}`,
    );
    for (const r of e.assessment.reasons) out(`  ${r}`);
    if (e.assessment.proposal) out(`  PROPOSAL: ${e.assessment.proposal}`);
    out('\nsignals:');
    for (const s of e.assessment.signals) out(`  [${s.level}] ${s.text}`);
    out(`\nscore ${e.score.score}/100:`);
    for (const f of e.score.factors) out(`  ${f.text}`);
    if (e.facts.providers.length) {
      out('\nper mailbox provider:');
      printTable(
        e.facts.providers.map((p) => ({
          ...p,
          complaintRate: pct(p.sends ? p.complaints / p.sends : null),
          hardBounceRate: pct(p.sends ? p.hardBounces / p.sends : null),
        })),
        [
          'provider',
          'fbl',
          'sends',
          'complaints',
          'complaintRate',
          'hardBounces',
          'hardBounceRate',
          'unsubscribes',
        ],
        style,
      );
    }
  }
  if (c.sharedLists.length) {
    out(
      `\npossible shared, rented or bought list (${c.sharedLists.length} addresses also reported against other clients; for staff, no automatic action):`,
    );
    for (const f of c.sharedLists)
      out(
        `  ${f.text}; reports ${f.clients.flatMap((k) => k.reports.map((r) => `${k.client}#${r.reportId ?? '-'}`)).join(', ')}`,
      );
  }
  out('\ncampaigns:');
  printTable(
    c.campaigns.map((k) => ({
      ...k,
      sent: formatCount(k.sent),
      delivered: formatCount(k.delivered),
      complaints: formatCount(k.complaints),
      bounces: formatCount(k.bounces),
    })),
    ['slug', 'startedAt', 'sent', 'delivered', 'engaged', 'complaints', 'bounces'],
    style,
  );
  if (c.history.length) {
    out('\nstatus history (newest first):');
    printTable(
      c.history.map((h) => ({ ...h, change: `${h.from} → ${h.to}` })),
      ['at', 'change', 'mode', 'actor', 'reason', 'note'],
      style,
    );
  }
}

export function registerClientsCommand(program: Command): void {
  const clients = program
    .command('clients')
    .description('client accounts: status, reputation score, enforcement, suspension and reinstatement');
  listOptions(
    clients
      .command('list')
      .description('clients with status, score and rates')
      .option('--status <status>', clientStatuses.join(', ')),
  ).action((o: ListFlags & { status?: string }, cmd: Command) =>
    withDatabase(cmd, (db) => {
      if (o.status && !clientStatuses.includes(o.status as ClientStatus))
        throw new CliError(`--status must be one of ${clientStatuses.join(', ')}`, EXIT.usage);
      const filters = { status: o.status };
      return runList(cmd, o, {
        name: 'clients list',
        filters,
        rows: (after, limit) => iterateClientSummaries(db, { ...filters, after, limit }),
        count: () => countClientSummaries(db, filters),
        keyOf: (c) => c.slug,
        isKey: isText,
        json: ({ id: _id, ...c }) => c,
        columns: [
          'slug',
          'status',
          'score',
          'delivered',
          'complaints',
          'bounces',
          'windowComplaintRate',
          'windowHardBounceRate',
          'openTickets',
          'statusChangedAt',
        ],
        cells: (c) => ({
          ...c,
          delivered: formatCount(c.delivered),
          complaints: formatCount(c.complaints),
          bounces: formatCount(c.bounces),
          openTickets: formatCount(c.openTickets),
          windowComplaintRate: pct(c.window?.complaintRate),
          windowHardBounceRate: pct(c.window?.hardBounceRate),
        }),
      });
    }),
  );
  clients
    .command('show <slug>')
    .description(
      'one client: assessment (signals, rates, reasons), score explanation, providers, campaigns and status history',
    )
    .option('--json', 'print one JSON object')
    .action((slug: string, o: { json?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db, { config }) => {
        const { sharedListDays } = config.enforcement;
        if (!o.json) return printDetail(db, slug, timeStyle(cmd), sharedListDays);
        const c = clientDetail(db, slug, { sharedListDays });
        if (!c) throw new CliError(`unknown client "${slug}"`, EXIT.notFound);
        const { id: _id, ...rest } = c;
        printJson(rest);
      }),
    );
  listOptions(
    clients
      .command('history <slug>')
      .description('status history, newest first (automatic, dry-run, proposed and staff changes)'),
  ).action((slug: string, o: ListFlags, cmd: Command) =>
    withDatabase(cmd, (db) => {
      const id = clientIdOf(db, slug);
      return runList(cmd, o, {
        name: 'clients history',
        filters: { slug },
        rows: (before, limit) => iterateClientStatusHistory(db, id, { before, limit }),
        count: () => countClientStatusHistory(db, id),
        keyOf: (h) => h.id,
        isKey: isId,
        columns: ['at', 'change', 'mode', 'actor', 'reason', 'note', 'consent'],
        cells: (h) => ({ ...h, change: `${h.from} → ${h.to}` }),
      });
    }),
  );
  clients
    .command('suspend <slug>')
    .description('suspend a client (audit entry, enforcement ticket, client.status_changed webhook)')
    .requiredOption('--note <text>', 'why (required)')
    .action((slug: string, o: { note: string }, cmd: Command) =>
      withServices(cmd, ({ db, enforcement }) => {
        const r = asCli(() =>
          setClientStatus(
            db,
            { slug, to: 'suspended', actor: actor(), note: o.note, now: new Date() },
            enforcement,
          ),
        );
        process.stdout.write(`${slug}: ${r.from} → ${r.to} (ticket ${r.ticketId})\n`);
      }),
    );
  clients
    .command('status <slug> <status>')
    .description(
      `set ${clientStatuses.join(' / ')} by hand with a note (a suspended client is reinstated with \`reinstate\`)`,
    )
    .requiredOption('--note <text>', 'why (required)')
    .action((slug: string, status: string, o: { note: string }, cmd: Command) =>
      withServices(cmd, ({ db, enforcement }) => {
        if (!clientStatuses.includes(status as ClientStatus))
          throw new CliError(`status must be one of ${clientStatuses.join(', ')}`, EXIT.usage);
        const r = asCli(() =>
          setClientStatus(
            db,
            { slug, to: status as ClientStatus, actor: actor(), note: o.note, now: new Date() },
            enforcement,
          ),
        );
        process.stdout.write(`${slug}: ${r.from} → ${r.to} (ticket ${r.ticketId})\n`);
      }),
    );
  clients
    .command('reinstate <slug>')
    .description('reinstate a client with a note and its answers about consent')
    .requiredOption('--note <text>', 'why (required)')
    .requiredOption('--list-age-months <n>', 'age of the list in months')
    .requiredOption(
      '--consent-method <method>',
      'confirmed-opt-in, single-opt-in, implicit, trade-show, affiliate, rented, bought, harvested, other',
    )
    .option('--signup-url <url>', 'where recipients sign up (omit when there is none)')
    .option('--proof-at <iso>', 'when a sample consent was given (ISO 8601)')
    .option('--proof-ip <ip>', 'IP address the sample consent came from')
    .option('--proof-source <text>', 'form, event or record the consent came from')
    .action(
      (
        slug: string,
        o: {
          note: string;
          listAgeMonths: string;
          consentMethod: string;
          signupUrl?: string;
          proofAt?: string;
          proofIp?: string;
          proofSource?: string;
        },
        cmd: Command,
      ) =>
        withServices(cmd, ({ db, enforcement }) => {
          const parsed = consentAnswersSchema.safeParse({
            listAgeMonths: o.listAgeMonths.trim() === '' ? undefined : Number(o.listAgeMonths),
            signupUrl: o.signupUrl ?? null,
            method: o.consentMethod,
            proof: { at: o.proofAt ?? null, ip: o.proofIp ?? null, source: o.proofSource ?? null },
          });
          if (!parsed.success)
            throw new CliError(
              `consent answers: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
              EXIT.usage,
            );
          const settings = enforcement;
          const r = asCli(() =>
            reinstateClient(
              db,
              {
                slug,
                actor: actor(),
                note: o.note,
                consent: parsed.data,
                refusedMethods: settings.refusedConsentMethods,
                now: new Date(),
              },
              settings,
            ),
          );
          process.stdout.write(`${slug}: ${r.from} → ${r.to} (ticket ${r.ticketId})\n`);
        }),
    );
  clients
    .command('delete <slug>')
    .description(
      'delete a client and its data (campaigns, sends, tickets, reports, its messages, per-client suppressions) after writing a JSON archive; global suppressions and erasures stay',
    )
    .option('--export <file>', 'write the archive here first (required unless --no-export)')
    .option('--no-export', 'delete without an archive (say so explicitly)')
    .option('--reason <text>', 'why (kept in the audit log)')
    .option('--yes', 'do not ask for confirmation')
    .action(
      async (slug: string, o: { export?: string | false; reason?: string; yes?: boolean }, cmd: Command) => {
        const { deleteClientFromCli } = await import('../delete-client-from-cli.ts');
        await withDatabase(cmd, (db) => deleteClientFromCli(db, slug, { ...o, actor: actor() }));
      },
    );
  clients
    .command('assess [slug]')
    .description('re-assess one client (or all) now: rates, automatic status change per policy, score')
    .option('--json', 'print the outcomes as one JSON array')
    .action((slug: string | undefined, o: { json?: boolean }, cmd: Command) =>
      withServices(cmd, ({ db, enforcement }) => {
        const settings = enforcement;
        const now = new Date();
        const outcomes = slug
          ? [db.transaction(() => enforceClient(db, clientIdOf(db, slug), settings, now))()]
          : enforceAllClients(db, settings, now);
        if (o.json) return printJson(outcomes);
        printTable(
          outcomes.map((x) => ({
            client: x.facts.client,
            status: x.facts.status,
            change: x.change ? `${x.change.from} → ${x.change.to} (${x.change.mode})` : null,
            score: x.score.score,
            why: x.assessment.reasons.join('; '),
          })),
          ['client', 'status', 'change', 'score', 'why'],
          timeStyle(cmd),
        );
      }),
    );
}
