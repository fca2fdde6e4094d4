import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  namedCommand,
  registerAllCommands,
  registerCommands,
} from '../../src/cli/register-commands.ts';

describe('lazily loaded CLI commands', () => {
  it('describes each command exactly as its module registers it', async () => {
    const full = new Command('abusedesk');
    await registerAllCommands(full);
    const real = new Map(full.commands.map((c) => [c.name(), c.description()]));
    expect(COMMANDS.map((c) => [c.name, c.description])).toEqual(
      COMMANDS.map((c) => [c.name, real.get(c.name)]),
    );
    expect([...real.keys()].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it('finds the named command past global options and "help"', () => {
    expect(namedCommand(['node', 'abusedesk', '--config', 'x.json', 'tickets', 'list'])).toBe('tickets');
    expect(namedCommand(['node', 'abusedesk', '-c', 'x.json', 'parse', 'a.eml'])).toBe('parse');
    expect(namedCommand(['node', 'abusedesk', 'help', 'clients'])).toBe('clients');
    expect(namedCommand(['node', 'abusedesk', '--help'])).toBeNull();
  });

  it('loads only the named command; the others are listed with their description', async () => {
    const program = new Command('abusedesk');
    await registerCommands(program, ['node', 'abusedesk', 'tickets', 'list']);
    const tickets = program.commands.find((c) => c.name() === 'tickets')!;
    expect(tickets.commands.map((c) => c.name())).toContain('list');
    const serve = program.commands.find((c) => c.name() === 'serve')!;
    expect(serve.description()).toMatch(/SMTP intake/);
    expect(serve.options).toEqual([]);
  });
});
