import type { Command } from 'commander';
import type { Database } from 'better-sqlite3';
import { openSession, queueIdOf } from '../../bench/smtp-client.ts';
import type { Config } from '../../config/config-schema.ts';
import { openDatabase } from '../../db/open-database.ts';
import { demoTraffic } from '../../demo/demo-traffic.ts';
import { ticketReply } from '../../demo/report-builders.ts';
import { createLogger } from '../../log/logger.ts';
import { latestComplaintWithReporter } from '../../store/tickets-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { commandConfig } from '../cli-context.ts';
import { serveFromCli, stopOnSignal } from '../serve-from-cli.ts';

/** Sends the demo traffic over SMTP, then a reporter's reply to one acknowledged ticket. */
async function sendDemoTraffic(
  config: Config,
  port: number,
  host: string,
  database: () => { db: Database; close: () => void },
): Promise<void> {
  const session = await openSession(port).catch((e: Error) => {
    throw new CliError(
      `cannot reach abusedesk SMTP on ${host}:${port} (${e.message}); start it with \`npm start\` first`,
      EXIT.unavailable,
    );
  });
  const { client } = session;
  for (const m of await demoTraffic(config)) {
    const r = await client.send(m.mailFrom, [m.rcpt], m.body);
    process.stdout.write(
      `${r.code === 250 ? '✓' : '✗'} ${m.label.padEnd(40)} ${r.code === 250 ? `queued as ${queueIdOf(r)}` : `${r.code} ${r.text}`}\n`,
    );
  }
  // A reporter answers the acknowledgement of their ticket: it must land in the same ticket.
  const { db, close } = database();
  let ticket: { id: string; reporter: string } | null = null;
  try {
    for (let i = 0; i < 50 && !ticket; i++) {
      ticket = latestComplaintWithReporter(db);
      if (!ticket) await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    close();
  }
  if (ticket) {
    const r = await client.send(
      ticket.reporter,
      ['abuse@esp.example'],
      ticketReply({
        ticketId: ticket.id,
        reporter: ticket.reporter,
        messageId: `<reply-${Date.now()}@example.fr>`,
      }),
    );
    process.stdout.write(
      `${r.code === 250 ? '✓' : '✗'} ${`Reply to ticket ${ticket.id}`.padEnd(40)} ${r.code === 250 ? `queued as ${queueIdOf(r)}` : r.text}\n`,
    );
  }
  await client.quit();
}

export function registerDemoCommand(program: Command): void {
  const demo = program
    .command('demo')
    .description('demo traffic for the demo clients (acme, globex, initech)');
  demo
    .command('send')
    .description(
      'send realistic reports over SMTP to a running `abusedesk serve`, then a reply to one ticket',
    )
    .option('--host <host>', 'SMTP host (default: config smtp.host)')
    .option('--port <port>', 'SMTP port (default: config smtp.port)')
    .action(async (o: { host?: string; port?: string }, cmd: Command) => {
      const { config } = commandConfig(cmd);
      const port = Number(o.port ?? config.smtp.port);
      await sendDemoTraffic(config, port, o.host ?? config.smtp.host, () => {
        const db = openDatabase(config);
        return { db, close: () => db.close() };
      });
      process.stdout.write(
        `\nSee them: npx abusedesk tickets list · npx abusedesk messages list · http://${config.http.host}:${config.http.port}/\n`,
      );
    });
  demo
    .command('run')
    .description(
      'first run (npm run demo): start the service with the demo data, send it the demo traffic, keep serving until Ctrl-C',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const { config } = commandConfig(cmd);
      const logger = createLogger(config.log.level);
      const { service, smtp, http } = await serveFromCli(config, logger);
      process.stdout.write(
        [
          `abusedesk demo is running`,
          `  SMTP intake  ${smtp}`,
          `  Web UI       ${http}/${service.demoStaff ? `   login ${service.demoStaff.email} / ${service.demoStaff.password}   (shown once)` : ''}`,
          `  data dir     ${config.dataDir}${service.demo ? `   (demo data loaded: ${service.demo.clients} clients, ${service.demo.campaigns} campaigns)` : ''}`,
          '',
          'Sending the demo traffic:',
          '',
        ].join('\n'),
      );
      try {
        await sendDemoTraffic(config, service.smtpAddress.port, service.smtpAddress.address, () => ({
          db: service.db,
          close: () => undefined,
        }));
      } catch (e) {
        await service.stop();
        throw e;
      }
      process.stdout.write(`\nOpen ${http}/ to see the tickets. Ctrl-C stops the demo.\n`);
      await stopOnSignal(service, 'stopping…');
    });
}
