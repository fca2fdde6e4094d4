import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, maskSecrets } from '../../src/config/load-config.ts';
import { imapBackoff } from '../../src/imap/imap-backoff.ts';
import { imapPassword, imapPort } from '../../src/imap/imap-client-options.ts';

const problemsOf = (sources: unknown, env: NodeJS.ProcessEnv = {}): string[] => {
  try {
    loadConfig({ env, overrides: { imap: { sources } } });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

const source = { name: 'hosted', host: 'imap.example.net', user: 'abuse@esp.example', password: 'pw' };

describe('imap configuration', () => {
  it('has no sources by default, and fills in each source’s defaults', () => {
    expect(loadConfig({ env: {} }).config.imap.sources).toEqual([]);
    const [s] = loadConfig({ env: {}, overrides: { imap: { sources: [source] } } }).config.imap.sources;
    expect(s).toMatchObject({
      security: 'tls',
      mailbox: 'INBOX',
      after: 'flag',
      keyword: '$AbusedeskTaken',
      idle: true,
      pollSeconds: 60,
      rejectUnauthorized: true,
    });
    expect(imapPort(s!)).toBe(993);
    expect(imapPort({ ...s!, security: 'starttls' })).toBe(143);
  });

  it('names the key of every mistake', () => {
    const problems = problemsOf([
      { ...source, password: '', after: 'move' },
      { ...source, host: '', pollSeconds: 0, after: 'archive', colour: 'red' },
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^imap\.sources\.0\.password: set password or passwordEnv/),
        expect.stringMatching(/^imap\.sources\.0\.moveTo: after: move needs moveTo/),
        expect.stringMatching(/^imap\.sources\.1\.host: the IMAP server host name is required/),
        expect.stringMatching(/^imap\.sources\.1\.pollSeconds: /),
        expect.stringMatching(/^imap\.sources\.1\.after: /),
        expect.stringMatching(/^imap\.sources\.1\.colour: unknown key/),
      ]),
    );
    expect(problemsOf([source, { ...source, name: 'Hosted' }])).toEqual([
      expect.stringMatching(/^imap\.sources\.1\.name: source name "Hosted" is used twice/),
    ]);
  });

  it('takes the sources from ABUSEDESK_IMAP_SOURCES as JSON, and the password from the variable passwordEnv names', () => {
    const env = {
      ABUSEDESK_IMAP_SOURCES: JSON.stringify([
        { ...source, password: '', passwordEnv: 'HOSTED_IMAP_PASSWORD' },
      ]),
    };
    const [s] = loadConfig({ env }).config.imap.sources;
    expect(imapPassword(s!, { HOSTED_IMAP_PASSWORD: 'from-env' })).toBe('from-env');
    expect(() => imapPassword(s!, {})).toThrow(
      'imap source hosted: the environment variable HOSTED_IMAP_PASSWORD (passwordEnv) is not set',
    );
    expect(
      JSON.stringify(maskSecrets(loadConfig({ env: {}, overrides: { imap: { sources: [source] } } }).config)),
    ).not.toContain('"pw"');
  });
});

describe('reconnect backoff', () => {
  it('doubles per failure up to the cap, jittered down by at most half', () => {
    const at = (failures: number, r: number) => imapBackoff(failures, 1000, 60_000, () => r);
    expect([1, 2, 3, 4].map((n) => at(n, 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => at(n, 0))).toEqual([500, 1000, 2000, 4000]);
    expect(at(50, 1)).toBe(60_000);
    expect(at(50, 0)).toBe(30_000);
  });
});
