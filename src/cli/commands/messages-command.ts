import type { Command } from 'commander';
import { reportForMessage } from '../../store/reports-store.ts';
import {
  getMessage,
  getRaw,
  listMessages,
  requeueMessage,
  type MessageState,
} from '../../store/messages-store.ts';
import { CliError } from '../cli-error.ts';
import { printJson, printTable, withDatabase } from '../cli-context.ts';

const states = ['queued', 'done', 'quarantined'];

export function registerMessagesCommand(program: Command): void {
  const messages = program
    .command('messages')
    .description('the intake log: every accepted message, its state and what it became');
  messages
    .command('list')
    .description('list accepted messages, newest first')
    .option('--state <state>', `only this state (${states.join(', ')})`)
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print one JSON array')
    .action((opts: { state?: string; limit: string; json?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        if (opts.state && !states.includes(opts.state))
          throw new CliError(`--state must be one of ${states.join(', ')}`, 2);
        const rows = listMessages(db, {
          state: opts.state as MessageState | undefined,
          limit: Number(opts.limit) || 50,
        });
        if (opts.json) return printJson(rows);
        printTable(
          rows.map((m) => ({
            queueId: m.queueId,
            receivedAt: m.receivedAt,
            state: m.state,
            from: m.mailFrom || '<>',
            to: m.rcptTo.join(','),
            size: m.size,
            subject: m.headers?.subject ?? null,
            error: m.lastError,
          })),
          ['queueId', 'receivedAt', 'state', 'from', 'to', 'size', 'subject', 'error'],
        );
      }),
    );
  messages
    .command('show <queueId>')
    .description('show one message: envelope, state, stage trail (with reasons)')
    .option('--json', 'print one JSON object')
    .option('--raw', 'print the raw message as received')
    .action((ref: string, opts: { json?: boolean; raw?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        const m = getMessage(db, ref);
        if (!m) throw new CliError(`no message with queue id ${ref}`, 1);
        if (opts.raw) {
          process.stdout.write(getRaw(db, m.id) ?? Buffer.alloc(0));
          return;
        }
        const report = reportForMessage(db, m.id);
        if (opts.json) return printJson({ ...m, report: report?.parsed ?? null });
        const out = [
          `queue id     ${m.queueId}`,
          `received     ${m.receivedAt} via ${m.source} from ${m.clientIp ?? '-'} (HELO ${m.helo ?? '-'})${m.tls ? ` TLS ${m.tls.protocol}` : ''}`,
          `envelope     MAIL FROM:<${m.mailFrom}>  RCPT TO: ${m.rcptTo.map((r) => `<${r}>`).join(' ')}`,
          `size         ${m.size} bytes   Message-ID ${m.messageId ?? '-'}`,
          `state        ${m.state}   attempts ${m.attempts}${m.nextAttemptAt ? `   next attempt ${m.nextAttemptAt}` : ''}`,
          ...(m.lastError ? [`error        ${m.lastError}`] : []),
          ...(m.headers ? [`headers      ${JSON.stringify(m.headers)}`] : []),
          ...(report
            ? [
                `report       #${report.id} ${report.kind}${report.trusted ? ' (trusted)' : ''}: ${report.reason}`,
              ]
            : []),
          'stages',
          ...m.stages.map(
            (s) => `  ${s.stage.padEnd(14)} ${s.outcome.padEnd(12)} ${s.reason}  (${s.ms.toFixed(1)} ms)`,
          ),
        ];
        process.stdout.write(`${out.join('\n')}\n`);
      }),
    );
  messages
    .command('retry <queueId...>')
    .description(
      'queue messages again (e.g. quarantined ones after a fix); the running service picks them up',
    )
    .action((refs: string[], _opts: unknown, cmd: Command) =>
      withDatabase(cmd, (db) => {
        for (const ref of refs) {
          const m = getMessage(db, ref);
          if (!m || !requeueMessage(db, m.id)) throw new CliError(`no message with queue id ${ref}`, 1);
          process.stdout.write(`${m.queueId} queued again (was ${m.state})\n`);
        }
      }),
    );
}
