import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './cli-error.ts';
import { describeError } from './describe-error.ts';
import { registerAllCommands, registerCommands } from './register-commands.ts';

export { CliError };

/** The program with the command `argv` names loaded (all commands when `argv` is omitted). */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('abusedesk')
    .description('abuse-mailbox processor: SMTP intake, report understanding, attribution and actions')
    .option('-c, --config <file>', 'config file (JSON); default $ABUSEDESK_CONFIG')
    .option('--utc', 'show times in UTC (default: the local time zone); JSON output is always UTC')
    .option('--debug', 'on failure, print the stack trace too (also ABUSEDESK_DEBUG=1)')
    // One line per failure, in the same shape as every other error; `--help` shows the usage.
    .configureOutput({ outputError: (text, write) => write(`abusedesk: ${text.replace(/^error: /, '')}`) })
    .exitOverride();
  if (argv) await registerCommands(program, argv);
  else await registerAllCommands(program);
  return program;
}

function debugWanted(argv: readonly string[]): boolean {
  return argv.includes('--debug') || process.env.ABUSEDESK_DEBUG === '1';
}

/** Runs the CLI and returns the exit code. Only this function decides the process's fate. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    // Commander has printed its one line already (unknown option, missing argument…); help and version exit 0.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof Error && e.name === 'ConfigError') {
      process.stderr.write(`abusedesk: ${e.message}\n`);
      return EXIT.config;
    }
    const described = e instanceof CliError ? { message: e.message, exitCode: e.exitCode } : describeError(e);
    const debug = debugWanted(argv);
    // An error nobody anticipated says how to learn more, on the same line.
    const hint =
      !debug && !(e instanceof CliError) && described.exitCode === EXIT.failed
        ? ' (--debug shows the stack)'
        : '';
    process.stderr.write(`abusedesk: ${described.message}${hint}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return described.exitCode;
  }
}
