import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import {
  campaignInputSchema,
  clientInputSchema,
  type CampaignInput,
  type ClientInput,
} from '../clients/client-records.ts';
import { upsertCampaign, upsertClient } from '../store/clients-store.ts';
import { sendInputSchema, type SendInput } from '../sends/send-records.ts';
import { loadMailboxProviders } from '../enforcement/mailbox-providers.ts';
import { insertSends } from '../store/sends-store.ts';
import { refreshStatistics } from '../db/refresh-statistics.ts';
import { describeIssues } from './describe-issues.ts';
import { readRecords, type RecordFormat } from './read-records.ts';

/** Sends imported at once after which PostgreSQL's planner statistics are refreshed. */
const ANALYZE_AFTER = 1000;

export const importKinds = ['sends', 'campaigns', 'clients'] as const;
export type ImportKind = (typeof importKinds)[number];

export interface BadRow {
  line: number;
  error: string;
}

export interface ImportRecordsOptions {
  format?: RecordFormat;
  now?: () => Date;
  /** Each bad row as soon as it is known (the CLI prints it). */
  onBadRow?: (bad: BadRow) => void;
  /** Bytes read so far, for a progress bar. */
  onBytes?: (bytes: number) => void;
}

export interface ImportSummary {
  kind: ImportKind;
  imported: number;
  bad: number;
  ms: number;
}

const BATCH = 1000;

/** Spreadsheet-friendly spellings: flat consentMethod… columns for sends, a space/comma/semicolon list of domains for clients. */
function shape(kind: ImportKind, record: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'sends') {
    const flat: Record<string, string> = {
      consentMethod: 'method',
      consentDate: 'date',
      consentAt: 'date',
      consentIp: 'ip',
      consentSource: 'source',
    };
    if (!Object.keys(record).some((k) => k in flat)) return record;
    const out: Record<string, unknown> = {};
    const consent: Record<string, unknown> =
      typeof record.consent === 'object' && record.consent !== null
        ? { ...(record.consent as Record<string, unknown>) }
        : {};
    for (const [k, v] of Object.entries(record)) {
      if (k in flat) consent[flat[k]!] = v;
      else if (k !== 'consent') out[k] = v;
    }
    out.consent = consent;
    return out;
  }
  if (kind === 'clients' && typeof record.domains === 'string') {
    return { ...record, domains: record.domains.split(/[\s,;]+/).filter(Boolean) };
  }
  return record;
}

const schemas: Record<ImportKind, z.ZodType> = {
  sends: sendInputSchema,
  campaigns: campaignInputSchema,
  clients: clientInputSchema,
};

/**
 * Imports a JSONL or CSV file of sends, campaigns or clients. Good rows are stored (upserted: importing
 * the same file twice changes nothing), bad rows are reported by line with the field at fault, and
 * reading streams, so a file of any size runs in constant memory. Throws only if the file cannot be read.
 */
export async function importRecords(
  db: Database,
  kind: ImportKind,
  file: string,
  options: ImportRecordsOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  let imported = 0;
  let bad = 0;
  const reject = (b: BadRow): void => {
    bad++;
    options.onBadRow?.(b);
  };
  // Bad rows wait in the batch with the good ones so that they are reported in line order together with
  // the rows the database refuses, without cutting the batch (and its one transaction) short.
  let batch: Array<{ line: number; value: unknown } | BadRow> = [];

  const flush = (): void => {
    if (batch.length === 0) return;
    const entries = batch;
    batch = [];
    const failed = entries.filter((e): e is BadRow => 'error' in e);
    const good = entries.filter((e): e is { line: number; value: unknown } => 'value' in e);
    if (kind === 'sends') {
      const result = insertSends(
        db,
        good.map((r) => r.value as SendInput),
        now(),
        loadMailboxProviders(),
      );
      imported += result.stored;
      for (const e of result.errors) failed.push({ line: good[e.index]!.line, error: e.error });
    } else {
      const at = now();
      db.transaction(() => {
        for (const r of good) {
          try {
            // A nested transaction is a savepoint: a row that fails half-way (a client and its domains) leaves nothing behind.
            db.transaction(() =>
              kind === 'clients'
                ? upsertClient(db, r.value as ClientInput, at)
                : upsertCampaign(db, r.value as CampaignInput, at),
            )();
            imported++;
          } catch (e) {
            const message = (e as Error).message;
            failed.push({
              line: r.line,
              error:
                kind === 'campaigns'
                  ? `${message.startsWith('unknown client') ? 'client' : 'slug'}: ${message}`
                  : message,
            });
          }
        }
      })();
    }
    for (const b of failed.sort((a, b) => a.line - b.line)) reject(b);
  };

  for await (const r of readRecords(file, { format: options.format, onBytes: options.onBytes })) {
    if ('error' in r) batch.push(r);
    else {
      const input = shape(kind, r.record);
      const parsed = schemas[kind].safeParse(input);
      batch.push(
        parsed.success
          ? { line: r.line, value: parsed.data }
          : { line: r.line, error: describeIssues(parsed.error, input) },
      );
    }
    if (batch.length >= BATCH) flush();
  }
  flush();
  // A bulk load changes the send log's size by orders of magnitude: the attribution lookups of the next reports
  // must not be planned on the figures of the empty table.
  if (kind === 'sends' && imported >= ANALYZE_AFTER) refreshStatistics(db, ['sends', 'send_volume']);
  return { kind, imported, bad, ms: performance.now() - started };
}
