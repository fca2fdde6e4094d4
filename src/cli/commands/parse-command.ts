import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.ts';
import { parseMessage } from '../../parse/parse-message.ts';
import { parseOptionsFromConfig } from '../../parse/parse-options-from-config.ts';
import { systemResolver } from '../../parse/system-resolver.ts';
import { globalOptions } from '../global-options.ts';
import { EXIT, usageError } from '../cli-error.ts';
import { describeError } from '../describe-error.ts';
import { reportSummary } from '../report-summary.ts';

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
    .option('--pretty', 'indented JSON, one object per file (instead of one line per file)')
    .option('--summary', 'a few readable lines per file: kind, why, complainants, bounces, attribution hints')
    .action(
      async (files: string[], opts: { dns?: boolean; pretty?: boolean; summary?: boolean }, cmd: Command) => {
        if (opts.pretty && opts.summary) throw usageError('choose one of --pretty and --summary');
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
            process.stderr.write(`abusedesk: ${describeError(e).message}\n`);
            continue;
          }
          const report = await parseMessage(raw, options);
          if (opts.summary) process.stdout.write(reportSummary(file, report));
          else
            process.stdout.write(
              `${JSON.stringify({ file, ...report }, null, opts.pretty ? 2 : undefined)}\n`,
            );
        }
        // Only unreadable files fail the run; `other` is a normal answer, not a failure.
        if (failed > 0) process.exitCode = EXIT.notFound;
      },
    );
}
