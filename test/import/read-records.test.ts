import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsvRecord } from '../../src/import/parse-csv-record.ts';
import { detectFormat, readRecords, type ReadRecord } from '../../src/import/read-records.ts';
import { tempDataDir } from '../helpers/test-service.ts';

describe('parseCsvRecord (RFC 4180)', () => {
  it('splits fields, with quoted commas, doubled quotes and empty fields', () => {
    expect(parseCsvRecord('a,"b,c","say ""hi""",,e')).toEqual({ fields: ['a', 'b,c', 'say "hi"', '', 'e'] });
    expect(parseCsvRecord('"",x,')).toEqual({ fields: ['', 'x', ''] });
  });
  it('asks for more input while a quoted field is open', () => {
    expect(parseCsvRecord('a,"line one')).toEqual({ incomplete: true });
    expect(parseCsvRecord('a,"line one\nline two",b')).toEqual({ fields: ['a', 'line one\nline two', 'b'] });
  });
  it('rejects text after a closing quote', () => {
    expect(parseCsvRecord('"a"b,c')).toHaveProperty('error');
  });
});

describe('readRecords', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  const read = async (name: string, text: string): Promise<ReadRecord[]> => {
    const file = join(tmp.dir, name);
    writeFileSync(file, text);
    const out: ReadRecord[] = [];
    for await (const r of readRecords(file)) out.push(r);
    return out;
  };

  it('reads JSONL, skipping blank lines, with line numbers and reasons for bad lines', async () => {
    const out = await read('x.jsonl', '\uFEFF{"a":1}\n\n{"a":\n[1,2]\r\n{"b":"2"}\n');
    expect(out).toEqual([
      { line: 1, record: { a: 1 } },
      { line: 3, error: expect.stringMatching(/^invalid JSON/) },
      { line: 4, error: 'not a JSON object' },
      { line: 5, record: { b: '2' } },
    ]);
  });

  it('reads CSV with a header, nested dotted columns, empty cells as absent, and multi-line fields', async () => {
    const csv =
      'recipient,consent.method,consent.ip,note\r\njane@example.net,single-opt-in,,"two\r\nlines"\r\nbad,row\r\n"x@y.z",,,\r\n';
    expect(await read('x.csv', csv)).toEqual([
      {
        line: 2,
        record: { recipient: 'jane@example.net', consent: { method: 'single-opt-in' }, note: 'two\nlines' },
      },
      { line: 4, error: '2 fields, but the header has 4' },
      { line: 5, record: { recipient: 'x@y.z' } },
    ]);
  });

  it('reports an unterminated quoted field at the line where its record starts', async () => {
    expect(await read('x.csv', 'a,b\n1,2\n3,"open\n4,5\n')).toEqual([
      { line: 2, record: { a: '1', b: '2' } },
      { line: 3, error: 'unterminated quoted field at end of file' },
    ]);
  });

  it('detects the format from the extension, else from the first character', () => {
    const f = (name: string, text: string): string => {
      const file = join(tmp.dir, name);
      writeFileSync(file, text);
      return file;
    };
    expect(detectFormat(f('a.csv', '{"x":1}'))).toBe('csv');
    expect(detectFormat(f('a.ndjson', 'x,y'))).toBe('jsonl');
    expect(detectFormat(f('a.txt', '  {"x":1}'))).toBe('jsonl');
    expect(detectFormat(f('b.txt', 'slug,name'))).toBe('csv');
  });
});
