import type { Command } from 'commander';
import { attributeTicket } from '../../actions/staff-attribution.ts';
import { assignTicket, setTicketPending, TicketActionError } from '../../actions/ticket-workflow.ts';
import { assignableByEmail } from '../../store/ticket-workflow-store.ts';
import { CliError, EXIT, usageError } from '../cli-error.ts';
import { printJson, withDatabase, withServices } from '../cli-context.ts';

/** Desk action errors as exit codes: no ticket 3, wrong state 1, a bad value 2. */
function asCli<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof TicketActionError)) throw e;
    throw new CliError(
      e.message,
      e.code === 'not-found' ? EXIT.notFound : e.code === 'conflict' ? EXIT.failed : EXIT.usage,
    );
  }
}

/** `tickets assign|pending|attribute`: the web UI's desk workflow for scripts and bulk work. */
export function registerTicketWorkflowCommands(tickets: Command, actor: () => string): void {
  tickets
    .command('assign <id> [login]')
    .description('give a ticket to a staff member (an enabled agent or admin), or to nobody with --unassign')
    .option('--unassign', 'remove the owner')
    .action((id: string, login: string | undefined, o: { unassign?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        if (!login && !o.unassign) throw usageError('name a staff login, or pass --unassign');
        if (login && o.unassign) throw usageError('a login or --unassign, not both');
        const who = login ? assignableByEmail(db, login) : null;
        if (login && !who) throw new CliError(`no enabled agent or admin "${login}"`, EXIT.notFound);
        const t = asCli(() => assignTicket(db, id, who, { actor: actor(), now: new Date() }));
        process.stdout.write(`${t.id} ${t.assignee ? `assigned to ${t.assignee}` : 'unassigned'}\n`);
      }),
    );
  tickets
    .command('pending <id>')
    .description('set a ticket pending with the reason it waits')
    .requiredOption('--reason <text>', 'what the ticket waits for (required)')
    .action((id: string, o: { reason: string }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        const t = asCli(() => setTicketPending(db, id, o.reason, { actor: actor(), now: new Date() }));
        process.stdout.write(`${t.id} pending: ${t.pendingReason}\n`);
      }),
    );
  tickets
    .command('attribute <id>')
    .description(
      'attribute an unmatched ticket to a client (and campaign), then take the actions of a matched report',
    )
    .requiredOption('--client <slug>', 'the client the reports belong to')
    .option('--campaign <slug>', "one of the client's campaigns")
    .requiredOption('--note <text>', 'why (stored in the attribution reason)')
    .option('--json', 'print the outcome as one JSON object')
    .action(
      (id: string, o: { client: string; campaign?: string; note: string; json?: boolean }, cmd: Command) =>
        withServices(cmd, (svc) => {
          const r = asCli(() =>
            attributeTicket(
              svc.db,
              { ticketId: id, client: o.client, campaign: o.campaign ?? null, note: o.note },
              svc.enforcement,
              { actor: actor(), now: new Date() },
            ),
          );
          if (o.json)
            return printJson({
              ticket: r.ticket,
              incidentId: r.incidentId,
              suppressed: r.suppressed,
              decisions: r.decisions,
            });
          const lines = [
            `${r.ticket.id} attributed to ${r.ticket.client}${r.ticket.campaign ? ` / ${r.ticket.campaign}` : ''} (now a ${r.ticket.type} ticket${r.incidentId ? ` under incident ${r.incidentId}` : ''})`,
            `suppressed: ${r.suppressed.join(', ') || 'none'}`,
            ...(r.enforcement.change
              ? [
                  `client status: ${r.enforcement.change.from} → ${r.enforcement.change.to} (${r.enforcement.change.mode})`,
                ]
              : []),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }),
    );
}
