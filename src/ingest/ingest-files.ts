import type { Database } from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import { queuedMessages, SqliteMessageStore } from '../store/messages-store.ts';
import { reportKindCounts } from '../store/reports-store.ts';
import type { Logger } from '../log/logger.ts';
import { Processor } from '../worker/processor.ts';
import { services } from '../service/services.ts';
import type { Acknowledger } from '../actions/acknowledger.ts';
import { listInputFiles, messagesInFile } from './read-messages.ts';

export interface IngestSummary {
  files: number;
  /** Files in named directories that do not start like a message. */
  skipped: string[];
  messages: number;
  stored: number;
  duplicates: number;
  unreadable: Array<{ file: string; error: string }>;
  byKind: Record<string, number>;
  quarantined: number;
  ms: number;
}

export interface IngestOptions {
  config: Config;
  logger: Logger;
  /** Acknowledge human reporters of backfilled mail (default false: old reporters are not written to). */
  acknowledge?: boolean;
  onProgress?: (done: number, total: number, note: string) => void;
}

const backfill: Acknowledger = ({ report, ticketId }) => ({
  kind: 'ack-skipped',
  target: report.reporter,
  scope: null,
  ticketId,
  rule: 'backfill',
  reason: 'ingested as a backfill (abusedesk ingest without --acknowledge)',
});

/**
 * `abusedesk ingest`: stores files (single messages, directories, mbox files) in the intake log with
 * source `ingest`, then runs the whole pipeline over them, exactly as for mail received over SMTP.
 * Already stored messages (same bytes) are not stored or processed again.
 */
export async function ingestFiles(db: Database, paths: string[], o: IngestOptions): Promise<IngestSummary> {
  const t0 = Date.now();
  const store = new SqliteMessageStore(db);
  const { files, skipped } = listInputFiles(paths);
  const summary: IngestSummary = {
    files: files.length,
    skipped,
    messages: 0,
    stored: 0,
    duplicates: 0,
    unreadable: [],
    byKind: {},
    quarantined: 0,
    ms: 0,
  };
  const ids: number[] = [];
  files.forEach((file, i) => {
    try {
      for (const m of messagesInFile(file)) {
        summary.messages++;
        const r = store.storeNow({
          raw: m.raw,
          mailFrom: '',
          rcptTo: [],
          clientIp: null,
          clientHostname: null,
          helo: null,
          tls: null,
          receivedAt: new Date(),
          source: 'ingest',
        });
        if (r.duplicate) summary.duplicates++;
        else {
          summary.stored++;
          ids.push(r.id);
        }
      }
    } catch (e) {
      summary.unreadable.push({ file, error: (e as Error).message });
    }
    o.onProgress?.(i + 1, files.length * 2, `stored ${summary.stored}`);
  });
  const processor = new Processor({
    db,
    stages: services(o.config, db).stages({ acknowledge: o.acknowledge ? undefined : backfill }),
    logger: o.logger,
    ...o.config.worker,
    // one attempt now; a failure stays quarantined and visible (messages retry), never lost
    maxAttempts: 1,
  });
  let processed = 0;
  for (let i = 0; i < ids.length; i += 256) {
    const chunk = ids.slice(i, i + 256);
    const results = await processor.processBatch(queuedMessages(db, chunk));
    processed += results.length;
    summary.quarantined += results.filter((r) => r.state === 'quarantined').length;
    o.onProgress?.(
      files.length + Math.round((processed / ids.length) * files.length),
      files.length * 2,
      `processed ${processed}/${ids.length}`,
    );
  }
  if (ids.length) summary.byKind = reportKindCounts(db, ids);
  summary.ms = Date.now() - t0;
  return summary;
}
