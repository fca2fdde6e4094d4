import type { Database } from 'better-sqlite3';
import type { BadRow } from '../import/import-records.ts';
import { readRecords, type RecordFormat } from '../import/read-records.ts';
import { addSuppressions, type AddItem, type ChangeContext } from './change-suppressions.ts';

const BATCH = 1000;
const COLUMNS = ['address', 'client', 'reason', 'stream', 'note'];

/**
 * `abusedesk import suppressions FILE`: a CSV (header address,client,reason,stream,note) or JSONL file of
 * suppressions, added 1,000 rows per transaction like the API's bulk add (each a change-log entry, so a
 * suppression.created webhook). Bad rows are reported by line; the good ones are kept. An empty client is global,
 * an empty reason `manual`.
 */
export async function importSuppressions(
  db: Database,
  file: string,
  o: {
    format?: RecordFormat | undefined;
    context: Omit<ChangeContext, 'now'> & { now: () => Date };
    onBadRow?: (b: BadRow) => void;
    onBytes?: (bytes: number) => void;
  },
): Promise<{ imported: number; refreshed: number; bad: number; ms: number }> {
  const started = performance.now();
  let imported = 0;
  let refreshed = 0;
  let bad = 0;
  let batch: Array<{ line: number; item: AddItem } | BadRow> = [];
  const flush = (): void => {
    const entries = batch;
    batch = [];
    const good = entries.filter((e): e is { line: number; item: AddItem } => 'item' in e);
    const failed = entries.filter((e): e is BadRow => 'error' in e);
    const results = addSuppressions(
      db,
      good.map((g) => g.item),
      { ...o.context, now: o.context.now() },
    );
    for (const r of results) {
      if (r.status === 'created') imported++;
      else if (r.status === 'refreshed') refreshed++;
      else failed.push({ line: good[r.index]!.line, error: r.error ?? r.status });
    }
    for (const b of failed.sort((a, c) => a.line - c.line)) {
      bad++;
      o.onBadRow?.(b);
    }
  };
  for await (const r of readRecords(file, { format: o.format, onBytes: o.onBytes })) {
    if ('error' in r) batch.push(r);
    else {
      const unknown = Object.keys(r.record).filter((k) => !COLUMNS.includes(k));
      const v = (k: string): string | null => {
        const x = r.record[k];
        if (x === null || x === undefined || x === '') return null;
        return typeof x === 'string' ? x : JSON.stringify(x);
      };
      if (unknown.length > 0)
        batch.push({ line: r.line, error: `${unknown[0]}: unknown column (use ${COLUMNS.join(', ')})` });
      else if (!v('address')) batch.push({ line: r.line, error: 'address: required' });
      else
        batch.push({
          line: r.line,
          item: {
            address: v('address')!,
            client: v('client'),
            reason: v('reason'),
            stream: v('stream'),
            note: v('note'),
          },
        });
    }
    if (batch.length >= BATCH) flush();
  }
  flush();
  return { imported, refreshed, bad, ms: performance.now() - started };
}
