import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The shared real-world corpus lives beside the repository; tests skip when a fresh clone lacks it. */
export const CORPUS_DIR = resolve(import.meta.dirname, '../../../shared/corpus');
export const CORPUS_PRESENT = existsSync(resolve(CORPUS_DIR, 'INDEX.tsv'));
export const CORPUS_SKIP_MESSAGE = `shared corpus not found at ${CORPUS_DIR}: corpus tests skipped`;

export interface CorpusEntry {
  file: string;
  expected: Record<string, unknown> | null;
  notes: string;
}

/** INDEX.tsv rows (file, …, expected JSON, notes), keyed by path relative to the corpus folder. */
export function readCorpusIndex(): Map<string, CorpusEntry> {
  const entries = new Map<string, CorpusEntry>();
  if (!CORPUS_PRESENT) return entries;
  const [header, ...rows] = readFileSync(resolve(CORPUS_DIR, 'INDEX.tsv'), 'utf8').split('\n');
  const columns = header!.split('\t');
  const at = (name: string) => columns.indexOf(name);
  for (const row of rows) {
    if (row.trim() === '') continue;
    const cells = row.split('\t');
    const expected = cells[at('expected')] ?? '';
    entries.set(cells[at('file')]!, {
      file: cells[at('file')]!,
      expected: expected === '' ? null : (JSON.parse(expected) as Record<string, unknown>),
      notes: cells[at('notes')] ?? '',
    });
  }
  return entries;
}
