import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/parse/parse-message.ts';

// One test per fixture: test/fixtures/<kind>/<name>.eml beside <name>.expected.json. Only the fields
// present in expected.json are compared (objects partially, arrays exactly), so new output fields
// never break fixtures. The folder name is the kind unless expected.json states another (e.g. a
// "relayed" DSN kept with the bounce fixtures is kind other).
const root = join(import.meta.dirname, '..', 'fixtures');
const kinds = existsSync(root)
  ? readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
  : [];
const VERP = '^bounce-(?<client>[a-z]+)-(?<send>\\d+)-(?<rcpt>[^@]+)@bounces\\.esp\\.example$';

describe('golden fixtures', () => {
  it('has fixtures for every kind this module owns', () => {
    for (const k of ['fbl', 'complaint', 'auth-failure', 'unsubscribe', 'reply', 'other'])
      expect(kinds).toContain(k);
  });
  for (const kind of kinds) {
    const dir = join(root, kind);
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .sort()) {
      const expectedFile = join(dir, file.replace(/\.eml$/, '.expected.json'));
      if (!existsSync(expectedFile)) continue;
      it(`${kind}/${file}`, async () => {
        const expected = JSON.parse(readFileSync(expectedFile, 'utf8'));
        const report = await parseMessage(readFileSync(join(dir, file)), {
          verpPattern: expected.verpPattern ?? null,
        });
        delete expected.verpPattern;
        expect(report.kind, report.reason).toBe(expected.kind ?? kind);
        expect(report).toMatchObject(expected);
      });
    }
  }
  it('applies a configured VERP pattern to the original Return-Path', async () => {
    const report = await parseMessage(readFileSync(join(root, 'fbl', 'yahoo-abuse-crlf.eml')), {
      verpPattern: VERP,
    });
    expect(report.identifiers.verp).toEqual({ client: 'acme', send: '7731', rcpt: 'jane=example.net' });
  });
});
