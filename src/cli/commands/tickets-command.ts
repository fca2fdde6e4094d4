import type { Command } from 'commander';
import {
  addTicketEvent,
  getTicket,
  listTickets,
  setTicketStatus,
  ticketEvents,
} from '../../store/tickets-store.ts';
import { CliError } from '../cli-error.ts';
import { printJson, printTable, withDatabase } from '../cli-context.ts';
import { eventText } from '../../decisions/event-text.ts';

const actor = (): string => `cli:${process.env.USER ?? 'staff'}`;

export function registerTicketsCommand(program: Command): void {
  const tickets = program.command('tickets').description("staff's unit of work: list, show, resolve, note");
  tickets
    .command('list')
    .description('tickets, most recently updated first')
    .option('--status <status>', 'open, pending or resolved')
    .option('--type <type>', 'incident, complaint, auth-failure, unmatched, other, unsubscribe')
    .option('--client <slug>', 'only this client')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print one JSON array')
    .action(
      (o: { status?: string; type?: string; client?: string; limit: string; json?: boolean }, cmd: Command) =>
        withDatabase(cmd, (db) => {
          const rows = listTickets(db, {
            status: o.status,
            type: o.type,
            client: o.client,
            limit: Number(o.limit) || 50,
          });
          if (o.json) return printJson(rows);
          printTable(
            rows.map((t) => ({ ...t, flags: t.flags.join(',') || null })),
            ['id', 'status', 'type', 'client', 'campaign', 'reportCount', 'updatedAt', 'subject', 'flags'],
          );
        }),
    );
  tickets
    .command('show <id>')
    .description('one ticket with its timeline (reports, decisions with reasons, mail sent, notes)')
    .option('--json', 'print one JSON object')
    .action((id: string, o: { json?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        const t = getTicket(db, id);
        if (!t) throw new CliError(`no ticket ${id}`);
        const events = ticketEvents(db, t.id);
        if (o.json) return printJson({ ...t, events });
        const lines = [
          `${t.id}  [${t.status}]  ${t.type}  ${t.subject}`,
          `client ${t.client ?? '-'}  campaign ${t.campaign ?? '-'}  reports ${t.reportCount}  ${t.trusted ? 'trusted' : 'unverified'}${t.parentId ? `  incident ${t.parentId}` : ''}${t.reporter ? `  reporter ${t.reporter}` : ''}`,
          ...(t.flags.length ? [`policy flags: ${t.flags.join(', ')}`] : []),
          'timeline:',
          ...events.map(
            (e) =>
              `  ${e.at}  ${e.type.padEnd(6)} ${e.actor === 'system' ? '' : `${e.actor}: `}${eventText(e)}`,
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
            throw new CliError(`no ticket ${id}`);
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
        if (!t) throw new CliError(`no ticket ${id}`);
        addTicketEvent(db, t.id, { type: 'note', actor: actor(), text: words.join(' '), now: new Date() });
        process.stdout.write(`note added to ${t.id}\n`);
      }),
    );
}
