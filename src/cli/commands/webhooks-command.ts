import type { Command } from 'commander';
import {
  countWebhookDeliveries,
  iterateWebhookDeliveries,
  replayWebhook,
} from '../../store/webhooks-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { withDatabase } from '../cli-context.ts';
import { isId, listOptions, runList, type ListFlags } from '../list-output.ts';

export function registerWebhooksCommand(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('webhook delivery log (from the outbox) and manual replay');
  listOptions(webhooks.command('list').description('list webhook deliveries, newest first')).action(
    (opts: ListFlags, cmd: Command) =>
      withDatabase(cmd, (db) =>
        runList(cmd, opts, {
          name: 'webhooks list',
          filters: {},
          rows: (before, limit) => iterateWebhookDeliveries(db, { before, limit }),
          count: () => countWebhookDeliveries(db),
          keyOf: (d) => d.id,
          isKey: isId,
          columns: ['id', 'type', 'url', 'state', 'attempts', 'createdAt', 'sentAt', 'lastError'],
        }),
      ),
  );
  webhooks
    .command('replay <id>')
    .description(
      'deliver a webhook again (sent or failed): the running service picks it up on its next round',
    )
    .action((id: string, _opts: unknown, cmd: Command) =>
      withDatabase(cmd, (db) => {
        if (!replayWebhook(db, Number(id), new Date()))
          throw new CliError(`no webhook delivery with id ${id}`, EXIT.notFound);
        process.stdout.write(`webhook ${id} queued for delivery\n`);
      }),
    );
}
