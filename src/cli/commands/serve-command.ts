import type { Command } from 'commander';
import { createLogger } from '../../log/logger.ts';
import { ServiceStartError, startService } from '../../service/start-service.ts';
import { CliError } from '../cli-error.ts';
import { commandConfig } from '../cli-context.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run SMTP intake, processing, outbox, HTTP API and web UI in one process')
    .action(async (_opts: unknown, cmd: Command) => {
      const { config, file } = commandConfig(cmd);
      const logger = createLogger(config.log.level);
      // A start that fails exits at once with its one-line reason (5 unavailable, 78 configuration).
      const service = await startService({ config, logger }).catch((e: unknown) => {
        if (e instanceof ServiceStartError) throw new CliError(e.message, e.exitCode);
        throw e;
      });
      const smtp = `${service.smtpAddress.address}:${service.smtpAddress.port}`;
      const http = `http://${service.httpAddress.address}:${service.httpAddress.port}`;
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
      await new Promise<void>((resolve) => {
        const onSignal = (signal: string): void => {
          process.stdout.write(`\n${signal}: finishing messages in DATA, refusing new sessions…\n`);
          service.stop().then(resolve, resolve);
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
      });
    });
}
