import type { Command } from 'commander';
import { configSchema } from '../../config/config-schema.ts';
import { loadConfig, maskSecrets } from '../../config/load-config.ts';
import { schemaKeys } from '../../config/schema-keys.ts';
import { globalOptions } from '../global-options.ts';
import { apiRouteTable, bounceReasonTable, configTable, logEventTable } from '../../docs/reference-tables.ts';

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('inspect configuration');
  config
    .command('show')
    .description('print the effective configuration (secrets masked) with where each value came from')
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const loaded = loadConfig({ file: globalOptions(cmd).config });
      const masked = maskSecrets(loaded.config);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(masked, null, 2)}\n`);
        return;
      }
      process.stdout.write(`# config file: ${loaded.file ?? '(none)'}\n`);
      for (const key of schemaKeys(configSchema)) {
        const name = key.path.join('.');
        let v: unknown = masked;
        for (const k of key.path) v = (v as Record<string, unknown>)[k];
        process.stdout.write(
          `${name} = ${JSON.stringify(v)}  # ${loaded.sources.get(name) ?? 'default'}; env ${key.env}\n`,
        );
      }
    });
  config
    .command('docs')
    .description(
      'print the configuration, log-event, API and bounce-reason reference tables (Markdown, as in the README)',
    )
    .action(async () => {
      process.stdout.write(
        `${configTable()}\n\n${logEventTable()}\n\n${await apiRouteTable()}\n\n${bounceReasonTable()}\n`,
      );
    });
}
