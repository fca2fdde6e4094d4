import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.ts';
import { parseMessage } from '../../parse/parse-message.ts';
import { parseOptionsFromConfig } from '../../parse/parse-options-from-config.ts';
import { systemResolver } from '../../parse/system-resolver.ts';
import { globalOptions } from '../global-options.ts';

/** `abusedesk parse FILE…`: one JSON object per file (NDJSON), `file` first; no side effects. */
export function registerParseCommand(program: Command): void {
  program
    .command('parse')
    .description('understand messages without side effects; prints one JSON object per file (NDJSON)')
    .argument('<files...>', 'message files (.eml)')
    .option(
      '--dns',
      'verify DKIM/DMARC/ARC with the system resolver (default: offline, and `auth` says what was not checked)',
    )
    .action(async (files: string[], opts: { dns?: boolean }, cmd: Command) => {
      // A file has no SMTP envelope, so SPF is never checked here; authenticate says so in authNote.
      const options = {
        ...parseOptionsFromConfig(loadConfig({ file: globalOptions(cmd).config }).config),
        authenticate: true,
        ...(opts.dns ? { resolver: systemResolver } : {}),
      };
      let failed = 0;
      for (const file of files) {
        let raw: Buffer;
        try {
          raw = await readFile(file);
        } catch (e) {
          failed++;
          process.stderr.write(`abusedesk parse: cannot read ${file}: ${(e as Error).message}\n`);
          continue;
        }
        const report = await parseMessage(raw, options);
        process.stdout.write(`${JSON.stringify({ file, ...report })}\n`);
      }
      // Only unreadable files fail the run; `other` is a normal answer, not a failure.
      if (failed > 0) process.exitCode = 1;
    });
}
