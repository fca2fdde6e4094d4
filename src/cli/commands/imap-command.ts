import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error.ts';
import { commandConfig, printJson } from '../cli-context.ts';

export function registerImapCommand(program: Command): void {
  const imap = program
    .command('imap')
    .description('IMAP mailboxes mail is taken from (imap.sources): check that each can be reached');
  imap
    .command('test [name]')
    .description(
      'log in to each source (or the one named) and count its mailbox; exit 5 when one is unavailable',
    )
    .option('--json', 'one JSON array on stdout')
    .action(async (name: string | undefined, o: { json?: boolean }, cmd: Command) => {
      const { config } = commandConfig(cmd);
      const { sources } = config.imap;
      if (sources.length === 0)
        throw new CliError('no IMAP sources are configured (imap.sources)', EXIT.notFound);
      const chosen = name ? sources.filter((s) => s.name.toLowerCase() === name.toLowerCase()) : sources;
      if (chosen.length === 0)
        throw new CliError(
          `no IMAP source is named "${name}" (configured: ${sources.map((s) => s.name).join(', ')})`,
          EXIT.notFound,
        );
      // Loaded here: imapflow is needed by this command only.
      const { probeImapSource } = await import('../../imap/probe-imap-source.ts');
      const probes = await Promise.all(chosen.map((s) => probeImapSource(s, process.env)));
      if (o.json) printJson(probes);
      else
        for (const p of probes)
          process.stdout.write(
            p.ok
              ? `${p.name}  ${p.server}  ${p.mailbox}: ${p.messages} messages (${p.unseen} unseen)${p.idle ? ', IDLE' : ', no IDLE: polled'}${p.tls ? ', TLS' : ''}\n`
              : `${p.name}  ${p.server}  ${p.mailbox}: unavailable: ${p.error}\n`,
          );
      const down = probes.filter((p) => !p.ok);
      if (down.length)
        throw new CliError(
          `${down.length} of ${probes.length} IMAP source${probes.length === 1 ? ' is' : 's are'} unavailable: ${down.map((p) => p.name).join(', ')}`,
          EXIT.unavailable,
        );
    });
}
