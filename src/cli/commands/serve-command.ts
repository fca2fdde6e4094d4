import type { Command } from 'commander';
import { createLogger } from '../../log/logger.ts';
import { commandConfig } from '../cli-context.ts';
import { serveFromCli, stopOnSignal } from '../serve-from-cli.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run SMTP intake, processing, outbox, HTTP API and web UI in one process')
    .action(async (_opts: unknown, cmd: Command) => {
      const { config, file } = commandConfig(cmd);
      const logger = createLogger(config.log.level);
      const { service, smtp, http } = await serveFromCli(config, logger);
      logger.info(
        { event: 'service.started', smtp, http, dataDir: config.dataDir, config: file },
        'service.started',
      );
      process.stdout.write(
        [
          `abusedesk is running`,
          `  SMTP intake  ${smtp}   (mailboxes ${config.smtp.mailboxes.join(', ')} @ ${config.smtp.domains.join(', ')})`,
          `  HTTP         ${http}   (health: ${http}/healthz)`,
          ...(service.demoStaff
            ? [
                `  Web UI: ${http}/  login ${service.demoStaff.email} / ${service.demoStaff.password}   (shown once; add staff with: npx abusedesk users add EMAIL --role agent)`,
              ]
            : [`  Web UI       ${http}/`]),
          `  data dir     ${config.dataDir}${service.demo ? `   (demo data loaded: ${service.demo.clients} clients, ${service.demo.campaigns} campaigns)` : ''}`,
          `Try: swaks --server ${smtp} --to abuse@esp.example   or   npx abusedesk messages list`,
          '',
        ].join('\n'),
      );
      await stopOnSignal(service, 'finishing messages in DATA, refusing new sessions…');
    });
}
