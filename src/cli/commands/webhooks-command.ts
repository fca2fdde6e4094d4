import type { Command } from 'commander';
import { listWebhookDeliveries, replayWebhook } from '../../store/webhooks-store.ts';
import { CliError } from '../cli-error.ts';
import { printJson, printTable, withDatabase } from '../cli-context.ts';

export function registerWebhooksCommand(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('webhook delivery log (from the outbox) and manual replay');
  webhooks
    .command('list')
    .description('list webhook deliveries, newest first')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print one JSON array')
    .action((opts: { limit: string; json?: boolean }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        const rows = listWebhookDeliveries(db, Number(opts.limit) || 50);
        if (opts.json) return printJson(rows);
        printTable(rows, ['id', 'type', 'url', 'state', 'attempts', 'createdAt', 'sentAt', 'lastError']);
      }),
    );
  webhooks
    .command('replay <id>')
    .description(
      'deliver a webhook again (sent or failed): the running service picks it up on its next round',
    )
    .action((id: string, _opts: unknown, cmd: Command) =>
      withDatabase(cmd, (db) => {
        if (!replayWebhook(db, Number(id), new Date()))
          throw new CliError(`no webhook delivery with id ${id}`, 1);
        process.stdout.write(`webhook ${id} queued for delivery\n`);
      }),
    );
}
