import type { Command } from 'commander';
import type { Database } from 'better-sqlite3';
import { clientDetail, clientSummaries } from '../../store/client-read-model.ts';
import { consentAnswersSchema } from '../../enforcement/consent-answers.ts';
import { enforceAllClients, enforceClient } from '../../enforcement/enforce-client.ts';
import { clientStatuses, type ClientStatus } from '../../enforcement/enforcement-types.ts';
import {
  reinstateClient,
  setClientStatus,
  StatusActionError,
} from '../../enforcement/staff-status-actions.ts';
import { clientStatusHistory } from '../../store/enforcement-store.ts';
import { clientIdBySlug } from '../../store/clients-store.ts';
import { CliError } from '../cli-error.ts';
import { printJson, printTable, withDatabase, withServices } from '../cli-context.ts';

const actor = (): string => `cli:${process.env.USER ?? 'staff'}`;
const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(3)} %`;

/** Staff status errors as CLI exits: 1 for unknown / conflict, 2 for a refusal the user can fix. */
function asCli<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StatusActionError) throw new CliError(e.message, e.code === 'refused' ? 2 : 1);
    throw e;
  }
}

function clientIdOf(db: Database, slug: string): number {
  const id = clientIdBySlug(db, slug);
  if (id === null) throw new CliError(`unknown client "${slug}"`);
  return id;
}

function printDetail(db: Database, slug: string): void {
  const c = clientDetail(db, slug);
  if (!c) throw new CliError(`unknown client "${slug}"`);
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  out(`${c.name} (${c.slug}) — status ${c.status}, score ${c.score ?? '-'}/100`);
  out(`domains: ${c.domains.join(', ') || '-'}`);
  out(
    `lifetime: ${c.sent} sent, ${c.delivered} delivered, ${c.complaints} complaints (${pct(c.complaintRate)}), ${c.bounces} bounces (${pct(c.bounceRate)})`,
  );
  const e = c.enforcement;
  if (e) {
    out(
      `\nenforcement (${e.mode}), window ${e.facts.windowStart.slice(0, 10)} … ${e.facts.windowEnd.slice(0, 10)}, assessed ${e.at}`,
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
      );
    }
  }
  out('\ncampaigns:');
  printTable(c.campaigns, ['slug', 'startedAt', 'sent', 'delivered', 'engaged', 'complaints', 'bounces']);
  if (c.history.length) {
    out('\nstatus history (newest first):');
    printTable(
      c.history.map((h) => ({ ...h, change: `${h.from} → ${h.to}` })),
      ['at', 'change', 'mode', 'actor', 'reason', 'note'],
    );
  }
}

export function registerClientsCommand(program: Command): void {
  const clients = program
    .command('clients')
    .description('client accounts: status, reputation score, enforcement, suspension and reinstatement');
  clients
    .command('list')
    .description('clients with status, score and rates')
    .option('--status <status>', clientStatuses.join(', '))
    .option('--json', 'print one JSON array')
    .action((o: { status?: string; json?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        if (o.status && !clientStatuses.includes(o.status as ClientStatus))
          throw new CliError(`--status must be one of ${clientStatuses.join(', ')}`, 2);
        const rows = clientSummaries(db, { status: o.status }).map(({ id: _id, ...c }) => c);
        if (o.json) return printJson(rows);
        printTable(
          rows.map((c) => ({
            ...c,
            windowComplaintRate: pct(c.window?.complaintRate),
            windowHardBounceRate: pct(c.window?.hardBounceRate),
          })),
          [
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
        );
      }),
    );
  clients
    .command('show <slug>')
    .description(
      'one client: assessment (signals, rates, reasons), score explanation, providers, campaigns and status history',
    )
    .option('--json', 'print one JSON object')
    .action((slug: string, o: { json?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        if (!o.json) return printDetail(db, slug);
        const c = clientDetail(db, slug);
        if (!c) throw new CliError(`unknown client "${slug}"`);
        const { id: _id, ...rest } = c;
        printJson(rest);
      }),
    );
  clients
    .command('history <slug>')
    .description('status history, newest first (automatic, dry-run, proposed and staff changes)')
    .option('--json', 'print one JSON array')
    .action((slug: string, o: { json?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        const rows = clientStatusHistory(db, clientIdOf(db, slug), 1000);
        if (o.json) return printJson(rows);
        printTable(
          rows.map((h) => ({ ...h, change: `${h.from} → ${h.to}` })),
          ['at', 'change', 'mode', 'actor', 'reason', 'note', 'consent'],
        );
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
          throw new CliError(`status must be one of ${clientStatuses.join(', ')}`, 2);
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
              2,
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
        );
      }),
    );
}
