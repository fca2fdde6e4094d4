import type { Command } from 'commander';
import { registerBenchCommand } from './commands/bench-command.ts';
import { registerConfigCommand } from './commands/config-command.ts';
import { registerParseCommand } from './commands/parse-command.ts';
import { registerDemoCommand } from './commands/demo-command.ts';
import { registerIngestCommand } from './commands/ingest-command.ts';
import { registerDbCommand } from './commands/db-command.ts';
import { registerMessagesCommand } from './commands/messages-command.ts';
import { registerServeCommand } from './commands/serve-command.ts';
import { registerSuppressionsCommand } from './commands/suppressions-command.ts';
import { registerTicketsCommand } from './commands/tickets-command.ts';
import { registerImportCommand } from './commands/import-command.ts';
import { registerTokenCommand } from './commands/token-command.ts';
import { registerUsersCommand } from './commands/users-command.ts';
import { registerTokensCommand } from './commands/tokens-command.ts';
import { registerWebhooksCommand } from './commands/webhooks-command.ts';
import { registerClientsCommand } from './commands/clients-command.ts';
import { registerTrapsCommand } from './commands/traps-command.ts';

/** Every CLI command, one module each under ./commands. */
export function registerCommands(program: Command): void {
  registerServeCommand(program);
  registerIngestCommand(program);
  registerMessagesCommand(program);
  registerTicketsCommand(program);
  registerSuppressionsCommand(program);
  registerDbCommand(program);
  registerConfigCommand(program);
  registerParseCommand(program);
  registerBenchCommand(program);
  registerImportCommand(program);
  registerTokenCommand(program);
  registerTokensCommand(program);
  registerUsersCommand(program);
  registerDemoCommand(program);
  registerWebhooksCommand(program);
  registerClientsCommand(program);
  registerTrapsCommand(program);
}
