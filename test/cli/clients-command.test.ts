import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { cliDatabaseEnv } from '../helpers/cli-process.ts';
import { tempDataDir, testConfig } from '../helpers/test-service.ts';

const cli = new URL('../../src/cli/abusedesk.mjs', import.meta.url).pathname;

describe('clients and traps commands', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let run: (...args: string[]) => { status: number | null; stdout: string; stderr: string };
  beforeEach(() => {
    tmp = tempDataDir();
    const db = openDatabase(testConfig(tmp.dir));
    loadDemoIfEmpty(db, new Date());
    db.close();
    run = (...args) => {
      const r = spawnSync(process.execPath, [cli, ...args], {
        env: { PATH: process.env.PATH, ABUSEDESK_DATA_DIR: tmp.dir, ...cliDatabaseEnv(tmp.dir), USER: 'ops' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
  });
  afterEach(() => tmp.cleanup());

  it('assesses, lists, suspends and reinstates with consent answers; show explains the score and the history', () => {
    const assessed = JSON.parse(run('clients', 'assess', '--json').stdout) as Array<{
      facts: { client: string };
      score: { score: number };
    }>;
    expect(assessed.map((a) => [a.facts.client, a.score.score])).toEqual([
      ['acme', 100],
      ['globex', 100],
      ['initech', 100],
    ]);
    const list = JSON.parse(run('clients', 'list', '--json').stdout) as Array<{
      slug: string;
      status: string;
      score: number;
    }>;
    expect(list.map((c) => `${c.slug}:${c.status}:${c.score}`)).toEqual([
      'acme:active:100',
      'globex:active:100',
      'initech:active:100',
    ]);

    expect(run('clients', 'suspend', 'acme').status).not.toBe(0); // --note is required
    expect(run('clients', 'suspend', 'acme', '--note', 'blocklisted by Spamhaus').stdout).toMatch(
      /acme: active → suspended \(ticket AD-/,
    );
    expect(run('clients', 'suspend', 'acme', '--note', 'again').status).toBe(1);
    const bought = run(
      'clients',
      'reinstate',
      'acme',
      '--note',
      'x',
      '--list-age-months',
      '3',
      '--consent-method',
      'bought',
    );
    expect(bought.status).toBe(4); // refused by policy
    expect(bought.stderr).toMatch(/bought/);
    expect(
      run(
        'clients',
        'reinstate',
        'acme',
        '--note',
        'x',
        '--list-age-months',
        '3',
        '--consent-method',
        'telepathy',
      ).status,
    ).toBe(2);
    const ok = run(
      'clients',
      'reinstate',
      'acme',
      '--note',
      'list re-permissioned',
      '--list-age-months',
      '24',
      '--consent-method',
      'confirmed-opt-in',
      '--signup-url',
      'https://acme.example/join',
      '--proof-at',
      '2026-01-05T10:00:00Z',
      '--proof-ip',
      '198.51.100.4',
    );
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/acme: suspended → active/);

    const history = JSON.parse(run('clients', 'history', 'acme', '--json').stdout) as Array<{
      from: string;
      to: string;
      actor: string;
      consent: unknown;
    }>;
    expect(history.map((h) => `${h.from}→${h.to} ${h.actor}`)).toEqual([
      'suspended→active cli:ops',
      'active→suspended cli:ops',
    ]);
    expect(history[0]!.consent).toEqual({
      listAgeMonths: 24,
      signupUrl: 'https://acme.example/join',
      method: 'confirmed-opt-in',
      proof: { at: '2026-01-05T10:00:00Z', ip: '198.51.100.4', source: null },
    });
    const shown = run('clients', 'show', 'acme').stdout;
    expect(shown).toMatch(/status active, score 100\/100/);
    expect(shown).toMatch(/confirmed-opt-in/);
    expect(shown).toMatch(/signals:/);
    expect(run('clients', 'show', 'nobody').status).toBe(3); // not found
  }, 90_000);

  it('manages the trap list', () => {
    expect(run('traps', 'add', 'Trap@Pristine.example', '--note', 'honeypot').stdout).toMatch(
      /trap@pristine.example added/,
    );
    expect(run('traps', 'add', '@spamtrap.example').status).toBe(0);
    expect(run('traps', 'add', 'nonsense').status).toBe(2);
    const list = JSON.parse(run('traps', 'list', '--json').stdout) as Array<{
      address: string;
      note: string | null;
    }>;
    expect(list.map((t) => t.address)).toEqual(['@spamtrap.example', 'trap@pristine.example']);
    expect(run('traps', 'remove', 'trap@pristine.example').status).toBe(0);
    expect(run('traps', 'remove', 'trap@pristine.example').status).toBe(3); // not listed
  }, 60_000);
});
