import type { Command } from 'commander';
import { reportForMessage } from '../../store/reports-store.ts';
import {
  getMessage,
  countMessages,
  getRaw,
  iterateMessages,
  requeueMessage,
  type MessageState,
} from '../../store/messages-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { cellText, formatCount, formatTime, printJson, withDatabase } from '../cli-context.ts';
import { timeStyle } from '../global-options.ts';
import { isId, listOptions, runList, type ListFlags } from '../list-output.ts';

const states = ['queued', 'done', 'quarantined'];

export function registerMessagesCommand(program: Command): void {
  const messages = program
    .command('messages')
    .description('the intake log: every accepted message, its state and what it became');
  listOptions(
    messages
      .command('list')
      .description('list accepted messages, newest first')
      .option('--state <state>', `only this state (${states.join(', ')})`),
  ).action((opts: ListFlags & { state?: string }, cmd: Command) =>
    withDatabase(cmd, (db) => {
      if (opts.state && !states.includes(opts.state))
        throw new CliError(`--state must be one of ${states.join(', ')}`, EXIT.usage);
      const state = opts.state as MessageState | undefined;
      return runList(cmd, opts, {
        name: 'messages list',
        filters: { state },
        rows: (before, limit) => iterateMessages(db, { state, before, limit }),
        count: () => countMessages(db, { state }),
        keyOf: (m) => m.id,
        isKey: isId,
        columns: ['queueId', 'receivedAt', 'state', 'from', 'to', 'size', 'subject', 'error'],
        cells: (m) => ({
          queueId: m.queueId,
          receivedAt: m.receivedAt,
          state: m.state,
          from: m.mailFrom || '<>',
          to: m.rcptTo.join(','),
          size: formatCount(m.size),
          subject: m.headers?.subject ?? null,
          error: m.lastError,
        }),
      });
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
        if (!m) throw new CliError(`no message with queue id ${ref}`, EXIT.notFound);
        if (opts.raw) {
          process.stdout.write(getRaw(db, m.id) ?? Buffer.alloc(0));
          return;
        }
        const report = reportForMessage(db, m.id);
        if (opts.json) return printJson({ ...m, report: report?.parsed ?? null });
        const style = timeStyle(cmd);
        const out = [
          `queue id     ${m.queueId}`,
          `received     ${formatTime(m.receivedAt, style)} via ${m.source} from ${m.clientIp ?? '-'} (HELO ${m.helo ?? '-'})${m.tls ? ` TLS ${m.tls.protocol}` : ''}`,
          `envelope     MAIL FROM:<${m.mailFrom}>  RCPT TO: ${m.rcptTo.map((r) => `<${r}>`).join(' ')}`,
          `size         ${formatCount(m.size)} bytes   Message-ID ${m.messageId ?? '-'}`,
          `state        ${m.state}   attempts ${m.attempts}${m.nextAttemptAt ? `   next attempt ${formatTime(m.nextAttemptAt, style)}` : ''}`,
          ...(m.lastError ? [`error        ${m.lastError}`] : []),
          ...(m.headers
            ? [
                `headers      ${Object.entries(m.headers)
                  .filter(([, v]) => v !== null && v !== undefined)
                  .map(([k, v]) => `${k}=${cellText(v, style)}`)
                  .join(', ')}`,
              ]
            : []),
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
          if (!m || !requeueMessage(db, m.id))
            throw new CliError(`no message with queue id ${ref}`, EXIT.notFound);
          process.stdout.write(`${m.queueId} queued again (was ${m.state})\n`);
        }
      }),
    );
}
