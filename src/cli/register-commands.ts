import type { Command } from 'commander';
import { registerConfigCommand } from './commands/config-command.ts';

/** Every CLI command, one module each under ./commands. */
export function registerCommands(program: Command): void {
  registerConfigCommand(program);
}
