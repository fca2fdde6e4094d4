import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCsvRecord } from './parse-csv-record.ts';

export type RecordFormat = 'jsonl' | 'csv';

/** One record of the file, or why that record could not be read; `line` is where the record starts (1-based). */
export type ReadRecord = { line: number; record: Record<string, unknown> } | { line: number; error: string };

export interface ReadRecordsOptions {
  /** Default: by extension (.csv; .jsonl/.ndjson/.json), else by the first character (`{` → JSONL). */
  format?: RecordFormat;
  /** Called with the bytes read so far (for a progress bar). */
  onBytes?: (bytes: number) => void;
}

/** A CSV record longer than this is a missing closing quote swallowing the file, not data. */
const MAX_CSV_RECORD = 1 << 20;

export function detectFormat(file: string): RecordFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = readSync(fd, head, 0, head.length, 0);
    return head
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('{')
      ? 'jsonl'
      : 'csv';
  } finally {
    closeSync(fd);
  }
}

/** `consent.method` → { consent: { method } }; empty cells are absent values, so defaults apply. */
function csvObject(header: readonly string[], fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  header.forEach((name, k) => {
    const value = fields[k];
    if (value === undefined || value === '' || name === '') return;
    const path = name.split('.');
    let o = out;
    for (const p of path.slice(0, -1)) {
      if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
      o = o[p] as Record<string, unknown>;
    }
    o[path[path.length - 1]!] = value;
  });
  return out;
}

/**
 * Streams the records of a JSONL file (one JSON object per line) or a CSV file (RFC 4180, header row
 * first) without loading the file into memory. Blank lines are skipped. Bad records are yielded as
 * errors with their line number, so the caller can keep the good ones.
 */
export async function* readRecords(
  file: string,
  options: ReadRecordsOptions = {},
): AsyncGenerator<ReadRecord> {
  const format = options.format ?? detectFormat(file);
  const stream = createReadStream(file);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  let header: string[] | null = null;
  let pending = ''; // a CSV record whose quoted field spans lines
  let pendingStart = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      if (lineNo % 256 === 0) options.onBytes?.(stream.bytesRead);
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw; // a UTF-8 byte order mark is not data
      if (format === 'jsonl') {
        if (line.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (e) {
          yield { line: lineNo, error: `invalid JSON: ${(e as Error).message}` };
          continue;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          yield { line: lineNo, error: 'not a JSON object' };
        else yield { line: lineNo, record: value as Record<string, unknown> };
        continue;
      }
      if (pending === '' && line.trim() === '') continue;
      const start = pending === '' ? lineNo : pendingStart;
      const text = pending === '' ? line : `${pending}\n${line}`;
      const parsed = parseCsvRecord(text);
      if ('incomplete' in parsed) {
        if (text.length > MAX_CSV_RECORD) {
          yield { line: start, error: 'unterminated quoted field (record longer than 1 MiB)' };
          pending = '';
        } else {
          pending = text;
          pendingStart = start;
        }
        continue;
      }
      pending = '';
      if ('error' in parsed) {
        yield { line: start, error: parsed.error };
        continue;
      }
      if (!header) {
        header = parsed.fields.map((h) => h.trim());
        continue;
      }
      if (parsed.fields.length !== header.length) {
        yield { line: start, error: `${parsed.fields.length} fields, but the header has ${header.length}` };
        continue;
      }
      yield { line: start, record: csvObject(header, parsed.fields) };
    }
    if (pending !== '') yield { line: pendingStart, error: 'unterminated quoted field at end of file' };
  } finally {
    lines.close();
    stream.destroy();
    options.onBytes?.(stream.bytesRead);
  }
}
