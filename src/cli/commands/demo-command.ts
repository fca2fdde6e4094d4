import type { Command } from 'commander';
import { openSession, queueIdOf } from '../../bench/smtp-client.ts';
import { openDatabase } from '../../db/open-database.ts';
import { demoTraffic } from '../../demo/demo-traffic.ts';
import { ticketReply } from '../../demo/report-builders.ts';
import { latestComplaintWithReporter } from '../../store/tickets-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { commandConfig } from '../cli-context.ts';

export function registerDemoCommand(program: Command): void {
  const demo = program
    .command('demo')
    .description('demo traffic for the demo clients (acme, globex, initech)');
  demo
    .command('send')
    .description(
      'send realistic reports over SMTP to a running `abusedesk serve` (npm run demo), then a reply to one ticket',
    )
    .option('--host <host>', 'SMTP host (default: config smtp.host)')
    .option('--port <port>', 'SMTP port (default: config smtp.port)')
    .action(async (o: { host?: string; port?: string }, cmd: Command) => {
      const { config } = commandConfig(cmd);
      const port = Number(o.port ?? config.smtp.port);
      const session = await openSession(port).catch((e: Error) => {
        throw new CliError(
          `cannot reach abusedesk SMTP on ${o.host ?? config.smtp.host}:${port} (${e.message}); start it with \`npm start\` first`,
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
      const db = openDatabase(config);
      let ticket: { id: string; reporter: string } | null = null;
      for (let i = 0; i < 50 && !ticket; i++) {
        ticket = latestComplaintWithReporter(db);
        if (!ticket) await new Promise((r) => setTimeout(r, 100));
      }
      db.close();
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
      process.stdout.write(
        `\nSee them: npx abusedesk tickets list · npx abusedesk messages list · http://${config.http.host}:${config.http.port}/\n`,
      );
    });
}
