import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.ts';
import { parseMessage } from '../../parse/parse-message.ts';
import { parseOptionsFromConfig } from '../../parse/parse-options-from-config.ts';
import { globalOptions } from '../global-options.ts';

/** `abusedesk parse FILE…`: one JSON object per file (NDJSON), `file` first; no side effects. */
export function registerParseCommand(program: Command): void {
  program
    .command('parse')
    .description('understand messages without side effects; prints one JSON object per file (NDJSON)')
    .argument('<files...>', 'message files (.eml)')
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const options = parseOptionsFromConfig(loadConfig({ file: globalOptions(cmd).config }).config);
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
      // Only unreadable files fail the run; `other` is a normal answer (PRODUCT.md, `abusedesk parse`).
      if (failed > 0) process.exitCode = 1;
    });
}
