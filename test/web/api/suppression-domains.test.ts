import { cliDatabaseEnv } from '../../helpers/cli-process.ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isSuppressed,
  listSuppressions,
  removeSuppression,
  suppress,
} from '../../../src/store/suppressions-store.ts';
import { parseSuppressionTarget } from '../../../src/store/suppression-target.ts';
import { tempDataDir } from '../../helpers/test-service.ts';
import { apiHarness } from './api-harness.ts';
import { clientIdBySlug } from '../../../src/store/clients-store.ts';

const cli = fileURLToPath(new URL('../../../src/cli/abusedesk.mjs', import.meta.url));

describe('whole-domain suppressions (@domain and *@domain)', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let acme: number;
  beforeAll(async () => {
    h = await apiHarness();
    acme = clientIdBySlug(h.db, 'acme')!;
  });
  afterAll(async () => {
    await h.close();
  });

  it('parses addresses and domain patterns, and refuses malformed ones with the rule', () => {
    expect(parseSuppressionTarget(' Jane@Example.NET ')).toEqual({
      kind: 'address',
      value: 'jane@example.net',
    });
    expect(parseSuppressionTarget('*@Evil.Example')).toEqual({ kind: 'domain', value: '@evil.example' });
    expect(parseSuppressionTarget('@evil.example')).toEqual({ kind: 'domain', value: '@evil.example' });
    for (const bad of [
      '*',
      '*@*',
      '@',
      'evil.example',
      'ja*ne@example.net',
      '*@evil',
      'a@b@c.example',
      '*@-x.example',
      'x@',
    ]) {
      expect(() => parseSuppressionTarget(bad), bad).toThrow(
        /an email address \(jane@example\.net\) or a whole domain/,
      );
    }
  });

  it('a *@domain suppression matches every address at that domain in the check, for its scope only', async () => {
    suppress(h.db, { address: '*@Evil.Example', clientId: acme, reason: 'manual', now: new Date() });
    expect(listSuppressions(h.db, { client: 'acme' }).map((s) => s.address)).toEqual(['@evil.example']);
    expect(isSuppressed(h.db, 'anyone@EVIL.example', acme).map((s) => s.address)).toEqual(['@evil.example']);
    expect(isSuppressed(h.db, 'anyone@evil.example', null)).toEqual([]);
    // Only that domain: not a subdomain, not a look-alike.
    expect(isSuppressed(h.db, 'anyone@sub.evil.example', acme)).toEqual([]);
    expect(isSuppressed(h.db, 'anyone@notevil.example', acme)).toEqual([]);
    const check = (
      await h.call('GET', '/api/v1/suppressions/check?address=Bob@evil.example&client=acme', 'viewer')
    ).json();
    expect(check).toMatchObject({
      address: 'bob@evil.example',
      suppressed: true,
      reasons: [{ reason: 'manual', scope: 'client', client: 'acme' }],
    });
    // Either spelling removes it.
    expect(removeSuppression(h.db, '*@evil.example', acme)).toBe(1);
    expect(isSuppressed(h.db, 'anyone@evil.example', acme)).toEqual([]);
  });

  it('the API takes @domain and *@domain, refuses malformed patterns (400) and exports the domain row', async () => {
    const added = await h.call('POST', '/api/v1/suppressions', 'agent', {
      address: '*@spam.example',
      client: null,
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ address: '@spam.example', created: true });
    const check = (await h.call('GET', '/api/v1/suppressions/check?address=x@spam.example', 'viewer')).json();
    expect(check).toMatchObject({ suppressed: true, reasons: [{ scope: 'global' }] });
    const bad = await h.call('POST', '/api/v1/suppressions', 'agent', { address: 'ja*ne@spam.example' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/whole domain/);
    // The check is about one address: a pattern there is a 400 too.
    expect(
      (await h.call('GET', '/api/v1/suppressions/check?address=*@spam.example', 'viewer')).statusCode,
    ).toBe(400);
    const csv = await h.call('GET', '/api/v1/suppressions/export.csv', 'viewer');
    // A cell starting with @ could run as a spreadsheet formula: the export prefixes it with '.
    expect(csv.body.split('\n').find((l) => l.includes('@spam.example'))).toMatch(
      /^'@spam\.example,,manual,/,
    );
  });
});

describe('abusedesk suppressions add with domain patterns', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeAll(() => {
    tmp = tempDataDir();
  });
  afterAll(() => tmp.cleanup());
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH, ABUSEDESK_DATA_DIR: tmp.dir, ...cliDatabaseEnv(tmp.dir) },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it("accepts '*@evil.example' as the whole domain, refuses malformed patterns with exit 2", () => {
    const ok = run('suppressions', 'add', '*@evil.example');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/@evil\.example/);
    const bad = run('suppressions', 'add', 'ja*ne@evil.example');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^abusedesk: .*whole domain/);
  });
});
