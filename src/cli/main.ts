import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load-config.ts';
import { CliError } from './cli-error.ts';
import { registerAllCommands, registerCommands } from './register-commands.ts';

export { CliError };

/** The program with the command `argv` names loaded (all commands when `argv` is omitted). */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('abusedesk')
    .description('abuse-mailbox processor: SMTP intake, report understanding, attribution and actions')
    .option('-c, --config <file>', 'config file (JSON); default $ABUSEDESK_CONFIG')
    .showHelpAfterError()
    .exitOverride();
  if (argv) await registerCommands(program, argv);
  else await registerAllCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code. Only this function decides the process's fate. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof ConfigError || e instanceof CliError) {
      process.stderr.write(`abusedesk: ${e.message}\n`);
      return e instanceof CliError ? e.exitCode : 78; // EX_CONFIG
    }
    process.stderr.write(`abusedesk: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
