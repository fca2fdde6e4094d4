import type { Command } from 'commander';
import { createProgressBar } from '../../import/progress-bar.ts';
import { IngestBusyError, ingestFiles } from '../../ingest/ingest-files.ts';
import { unavailable } from '../cli-error.ts';
import { createLogger } from '../../log/logger.ts';
import { withDatabase } from '../cli-context.ts';

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest <paths...>')
    .description(
      'run files, directories and mbox files through the whole pipeline (backfills); progress bar on a terminal, summary at the end',
    )
    .option(
      '--acknowledge',
      'also acknowledge human reporters (off by default: a backfill does not write to old reporters)',
    )
    .option('--json', 'print the summary as one JSON object')
    .action((paths: string[], o: { acknowledge?: boolean; json?: boolean }, cmd: Command) =>
      withDatabase(cmd, async (db, { config }) => {
        const bar = process.stderr.isTTY ? createProgressBar(process.stderr, 1, 'ingest') : null;
        const s = await ingestFiles(db, paths, {
          config,
          // per-message log lines would drown the summary; warnings (quarantines) still show
          logger: createLogger(
            config.log.level === 'debug' || config.log.level === 'trace' ? config.log.level : 'warn',
          ),
          acknowledge: o.acknowledge ?? false,
          onProgress: bar ? (done, total, note) => bar.update(done / total, note) : undefined,
          onHandOver: (serve, n) => {
            if (!bar)
              process.stderr.write(
                `ingest: abusedesk serve (pid ${serve.pid}) is running: it processes the ${n} stored message(s); waiting for it…\n`,
              );
          },
        }).catch((e: unknown) => {
          bar?.finish();
          throw e instanceof IngestBusyError ? unavailable(e.message) : e;
        });
        bar?.update(1);
        bar?.finish();
        for (const u of s.unreadable) process.stderr.write(`abusedesk: cannot read ${u.file}: ${u.error}\n`);
        if (o.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        else {
          const kinds =
            Object.entries(s.byKind)
              .map(([k, n]) => `${k} ${n}`)
              .join(', ') || 'none';
          process.stdout.write(
            `ingested ${s.files} file(s)${s.skipped.length ? ` (${s.skipped.length} skipped: not mail)` : ''}: ${s.messages} message(s), ${s.stored} new, ${s.duplicates} already stored; ` +
              `reports: ${kinds}; ${s.processedBy.command === 'serve' ? `processed by the running serve (pid ${s.processedBy.pid}); ` : ''}${s.quarantined} quarantined (see \`abusedesk messages list --state quarantined\`) in ${(s.ms / 1000).toFixed(1)} s\n`,
          );
        }
        if (s.unreadable.length) process.exitCode = 1;
      }),
    );
}
