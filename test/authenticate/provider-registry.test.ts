import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ProviderRegistryError,
  loadProviderRegistry,
  parseProviderRegistry,
  providerForDkimDomain,
  providerFromPatterns,
} from '../../src/authenticate/provider-registry.ts';
import { PROVIDER_QUIRKS } from '../../src/authenticate/provider-quirk.ts';

const registry = loadProviderRegistry();

const entry = (overrides: Record<string, unknown> = {}) => ({
  name: 'example',
  fbl: true,
  dkimDomains: ['fbl.example.org'],
  fromPatterns: ['^fbl@example\\.org$'],
  userAgentPatterns: [],
  quirks: [],
  ...overrides,
});

function writeRegistry(data: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'abusedesk-providers-')), 'providers.json');
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  return file;
}

function issuesOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderRegistryError);
    return (err as ProviderRegistryError).issues;
  }
  throw new Error('expected a ProviderRegistryError');
}

describe('loadProviderRegistry', () => {
  it('loads data/providers.json with the providers the product names', () => {
    const names = registry.providers.map((provider) => provider.name);
    for (const name of [
      'yahoo',
      'aol',
      'microsoft',
      'comcast',
      'fastmail',
      'zoho',
      'opensrs',
      'rackspace',
      'validity',
    ]) {
      expect(names).toContain(name);
    }
    expect(registry.byName.get('yahoo')?.dkimDomains).toContain('arf.mail.yahoo.com');
    for (const provider of registry.providers) {
      expect(provider.quirks.every((quirk) => PROVIDER_QUIRKS.includes(quirk))).toBe(true);
    }
  });

  it('names the index and key of a bad entry', () => {
    const file = writeRegistry({
      providers: [
        entry(),
        entry({ name: 'second', dkimDomains: 'fbl.example.org' }),
        entry({ name: 'third', fromPatterns: ['(unclosed'] }),
      ],
    });
    const issues = issuesOf(() => loadProviderRegistry(file));
    expect(issues.some((issue) => issue.startsWith('providers[1].dkimDomains:'))).toBe(true);
    expect(
      issues.some(
        (issue) =>
          issue.startsWith('providers[2].fromPatterns[0]:') && issue.includes('invalid regular expression'),
      ),
    ).toBe(true);
    expect(issues).toHaveLength(2);
  });

  it('rejects unknown keys, unknown quirks, bad domains and duplicate names', () => {
    const issues = issuesOf(() =>
      parseProviderRegistry({
        providers: [
          entry({ dkimDomain: ['typo.example'] }),
          entry({ name: 'b', quirks: ['sends-postcards'] }),
          entry({ name: 'c', dkimDomains: ['Fbl.Example.org.'] }),
          entry({ name: 'b' }),
          entry({ name: 'd', operatedBy: 'nobody' }),
        ],
      }),
    );
    expect(issues.find((issue) => issue.startsWith('providers[0]'))).toContain('dkimDomain');
    expect(issues.some((issue) => issue.startsWith('providers[1].quirks[0]:'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('providers[2].dkimDomains[0]:'))).toBe(true);
    expect(
      issues.some((issue) => issue.startsWith('providers[3].name:') && issue.includes('duplicate')),
    ).toBe(true);
    expect(issues.some((issue) => issue.startsWith('providers[4].operatedBy:'))).toBe(true);
  });

  it('reports a file that is not JSON', () => {
    const file = writeRegistry('{ "providers": [');
    expect(() => loadProviderRegistry(file)).toThrow(ProviderRegistryError);
    expect(() => loadProviderRegistry(join(tmpdir(), 'no-such-dir', 'providers.json'))).toThrow(/ENOENT/);
  });
});

describe('providerForDkimDomain', () => {
  it.each([
    ['arf.mail.yahoo.com', 'yahoo'],
    ['ARF.mail.yahoo.com.', 'yahoo'],
    ['s1.arf.mail.yahoo.com', 'yahoo'],
    ['comcastfbl.senderscore.net', 'comcast'],
    ['senderscore.net', 'validity'],
    ['hotmail.com', 'microsoft'],
  ])('%s → %s', (domain, name) => {
    expect(providerForDkimDomain(registry, domain)?.name).toBe(name);
  });

  it.each(['yahoo.com', 'evilarf.mail.yahoo.com', 'arf.mail.yahoo.com.evil.example', 'example.org', ''])(
    '%s → none',
    (domain) => {
      expect(providerForDkimDomain(registry, domain)).toBeNull();
    },
  );
});

describe('providerFromPatterns', () => {
  it('reads a display-name From', () => {
    expect(
      providerFromPatterns(registry, { from: 'Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>' }),
    ).toBe('yahoo');
    expect(providerFromPatterns(registry, { from: '<staff@hotmail.com>' })).toBe('microsoft');
  });

  it('prefers the member From over the operator User-Agent', () => {
    expect(
      providerFromPatterns(registry, { from: 'feedbackloop@fbl.cox.net', userAgent: 'ReturnPathFBL/1.0' }),
    ).toBe('cox');
    expect(
      providerFromPatterns(registry, {
        from: 'feedbackloop@feedback.example.org',
        userAgent: 'ReturnPathFBL/1.0',
      }),
    ).toBe('validity');
  });

  it('falls back to the reporter, the User-Agent, then DKIM domains', () => {
    expect(providerFromPatterns(registry, { from: 'x@example.org', reporter: 'scomp@aol.net' })).toBe('aol');
    expect(providerFromPatterns(registry, { userAgent: 'Yahoo!-Mail-Feedback/2.0' })).toBe('yahoo');
    expect(providerFromPatterns(registry, { dkimDomains: ['example.org', 'fbl.zoho.com'] })).toBe('zoho');
  });

  it('does not match look-alikes', () => {
    expect(providerFromPatterns(registry, { from: 'feedback@arf.mail.yahoo.com.evil.example' })).toBeNull();
    expect(providerFromPatterns(registry, { from: 'xfeedback@arf.mail.yahoo.com' })).toBeNull();
    expect(providerFromPatterns(registry, { userAgent: 'MyYahoo!-Mail-Feedback/1.0' })).toBeNull();
    expect(providerFromPatterns(registry, {})).toBeNull();
    expect(
      providerFromPatterns(registry, { from: null, userAgent: null, reporter: null, dkimDomains: null }),
    ).toBeNull();
  });
});
