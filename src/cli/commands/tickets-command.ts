import type { Command } from 'commander';
import {
  addTicketEvent,
  countTicketSearch,
  getTicket,
  iterateTicketSearch,
  setTicketStatus,
  ticketEvents,
  type Ticket,
} from '../../store/tickets-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { formatCount, formatTime, printJson, withDatabase } from '../cli-context.ts';
import { timeStyle } from '../global-options.ts';
import { isText, listOptions, runList, type ListFlags } from '../list-output.ts';
import { eventText } from '../../decisions/event-text.ts';
import { ticketConversation } from '../../answer/ticket-conversation.ts';
import { registerTicketWorkflowCommands } from './ticket-workflow-commands.ts';

const actor = (): string => `cli:${process.env.USER ?? 'staff'}`;

export function registerTicketsCommand(program: Command): void {
  const tickets = program.command('tickets').description("staff's unit of work: list, show, resolve, note");
  listOptions(
    tickets
      .command('list')
      .description('tickets, most recently updated first')
      .option('--status <status>', 'open, pending or resolved')
      .option('--type <type>', 'incident, complaint, auth-failure, unmatched, other, unsubscribe')
      .option('--client <slug>', 'only this client')
      .option(
        '--q <text>',
        "the inbox's search: ticket id, complainant or reporter address, Message-ID, queue id, source IP, sending domain, or words",
      ),
  ).action((o: ListFlags & { status?: string; type?: string; client?: string; q?: string }, cmd: Command) =>
    withDatabase(cmd, (db) => {
      const filters = { status: o.status, type: o.type, client: o.client, q: o.q };
      return runList<Ticket, [string, string]>(cmd, o, {
        name: 'tickets list',
        filters,
        rows: (after, limit) =>
          iterateTicketSearch(db, {
            ...filters,
            after: after ? { updatedAt: after[0], id: after[1] } : undefined,
            limit,
          }),
        count: () => countTicketSearch(db, filters),
        keyOf: (t) => [t.updatedAt, t.id],
        isKey: (k): k is [string, string] => Array.isArray(k) && k.length === 2 && k.every(isText),
        columns: ['id', 'status', 'type', 'client', 'campaign', 'reports', 'updatedAt', 'subject', 'flags'],
        cells: (t) => ({ ...t, reports: formatCount(t.reportCount), flags: t.flags.join(',') || null }),
      });
    }),
  );
  tickets
    .command('show <id>')
    .description(
      'one ticket with its conversation and timeline (reports, decisions with reasons, mail sent, notes)',
    )
    .option('--json', 'print one JSON object')
    .action((id: string, o: { json?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        const t = getTicket(db, id);
        if (!t) throw new CliError(`no ticket ${id}`, EXIT.notFound);
        const events = ticketEvents(db, t.id);
        const conversation = ticketConversation(db, t.id);
        if (o.json) return printJson({ ...t, events, conversation });
        const style = timeStyle(cmd);
        const lines = [
          `${t.id}  [${t.status}]  ${t.type}  ${t.subject}`,
          `client ${t.client ?? '-'}  campaign ${t.campaign ?? '-'}  reports ${formatCount(t.reportCount)}  ${t.trusted ? 'trusted' : 'unverified'}${t.parentId ? `  incident ${t.parentId}` : ''}${t.reporter ? `  reporter ${t.reporter}` : ''}`,
          `opened ${formatTime(t.createdAt, style)}  updated ${formatTime(t.updatedAt, style)}${t.resolvedAt ? `  resolved ${formatTime(t.resolvedAt, style)}` : ''}`,
          ...(t.flags.length ? [`policy flags: ${t.flags.join(', ')}`] : []),
          'conversation:',
          ...conversation.map(
            (c) =>
              `  ${formatTime(c.at, style)}  ${c.kind === 'message' ? (c.reportKind ?? 'message') : c.kind}  ${c.from}${c.to ? ` → ${c.to}` : ''}${c.delivery ? `  [${c.delivery.state}, ${c.delivery.attempts} attempt(s)]` : ''}\n${c.text
                .split('\n')
                .slice(0, 20)
                .map((l) => `      ${l}`)
                .join('\n')}`,
          ),
          'timeline:',
          ...events.map(
            (e) =>
              `  ${formatTime(e.at, style)}  ${e.type.padEnd(6)} ${e.actor === 'system' ? '' : `${e.actor}: `}${eventText(e)}`,
          ),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
  tickets
    .command('resolve <id...>')
    .description('mark tickets resolved (a new report reopens an incident)')
    .option('--note <text>', 'why')
    .action((ids: string[], o: { note?: string }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        for (const id of ids) {
          if (!setTicketStatus(db, id, 'resolved', { actor: actor(), note: o.note, now: new Date() }))
            throw new CliError(`no ticket ${id}`, EXIT.notFound);
          process.stdout.write(`${id.toUpperCase()} resolved\n`);
        }
      }),
    );
  tickets
    .command('note <id> <text...>')
    .description('add a staff note to the timeline')
    .action((id: string, words: string[], _o: unknown, cmd: Command) =>
      withDatabase(cmd, (db) => {
        const t = getTicket(db, id);
        if (!t) throw new CliError(`no ticket ${id}`, EXIT.notFound);
        addTicketEvent(db, t.id, { type: 'note', actor: actor(), text: words.join(' '), now: new Date() });
        process.stdout.write(`note added to ${t.id}\n`);
      }),
    );
  registerTicketWorkflowCommands(tickets, actor);
}
