import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';
import { bounceReasonTable } from '../../src/docs/reference-tables.ts';
import { schemaKeys } from '../../src/config/schema-keys.ts';
import { logEvents } from '../../src/log/events.ts';
import { apiRoutes } from '../../src/web/api/api-routes.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every configuration key with its environment variable (regenerate: abusedesk config docs)', () => {
    const missing = schemaKeys(configSchema).filter(
      (k) => !readme.includes(`| \`${k.path.join('.')}\` | \`${k.env}\``),
    );
    expect(missing.map((k) => k.path.join('.'))).toEqual([]);
  });
  it('lists every log event code', () => {
    expect(Object.keys(logEvents).filter((e) => !readme.includes(`\`${e}\``))).toEqual([]);
  });
  it('lists every API route with its role (regenerate: abusedesk config docs)', () => {
    expect(
      apiRoutes()
        .filter((r) => !readme.includes(`| \`${r.method} /api/v1${r.path}\` | ${r.role} |`))
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([]);
  });
  it('documents every bounce reason, as generated from the vocabulary (regenerate: abusedesk config docs)', () => {
    expect(readme).toContain(bounceReasonTable());
  });
  it('shows the two quick-start commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });
});
