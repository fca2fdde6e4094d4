import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const readme = readFileSync(join(fixturesDir, 'README.md'), 'utf8');

/** Fixture inputs that need a provenance row: test data, not the README or a golden `*.expected.json`. */
function isFixture(name: string): boolean {
  return /\.(eml|json|txt|mbox)$/.test(name) && !name.endsWith('.expected.json') && name !== 'README.md';
}

/** Every fixture file under test/fixtures, as a path relative to it with `/` separators. */
function fixtureFiles(dir: string = fixturesDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return fixtureFiles(full);
    return e.isFile() && isFixture(e.name) ? [relative(fixturesDir, full).split('\\').join('/')] : [];
  });
}

/** The table rows of test/fixtures/README.md: file | provenance | licence. */
function rows(): Array<{ file: string; provenance: string; licence: string }> {
  return readme
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) => {
      const cells = l
        .replace(/^\|/, '')
        .replace(/\|\s*$/, '')
        .split('|')
        .map((c) => c.trim());
      return { file: cells[0] ?? '', provenance: cells[1] ?? '', licence: cells[2] ?? '' };
    });
}

describe('test/fixtures/README.md', () => {
  it('has a header row with file, provenance and licence columns', () => {
    expect(readme).toContain('| file | provenance | licence |');
  });
  it('gives every fixture file a provenance row', () => {
    const listed = new Set(rows().map((r) => r.file));
    expect(
      fixtureFiles()
        .filter((f) => !listed.has(f))
        .sort(),
    ).toEqual([]);
  });
  it('names only files that exist', () => {
    const present = new Set(fixtureFiles());
    expect(
      rows()
        .map((r) => r.file)
        .filter((f) => !present.has(f)),
    ).toEqual([]);
  });
  it('fills provenance and licence in every row, one row per file, sorted by path', () => {
    const table = rows();
    expect(table.filter((r) => r.provenance === '' || r.licence === '').map((r) => r.file)).toEqual([]);
    const files = table.map((r) => r.file);
    expect(files.filter((f, i) => files.indexOf(f) !== i)).toEqual([]);
    expect(files.filter((f, i) => i > 0 && files[i - 1]! > f)).toEqual([]);
  });
});
