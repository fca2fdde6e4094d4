/**
 * Exit codes, one per class of failure, so scripts can tell "you typed it wrong" from "it is not there" from
 * "policy says no" from "try again later". Documented in the README's Commands section.
 */
export const EXIT = {
  ok: 0,
  /** The command ran and failed (a conflict, an import with only bad rows, an unexpected error). */
  failed: 1,
  /** Bad arguments or options: unknown option, missing argument, a value out of its set. */
  usage: 2,
  /** What was named does not exist: a file, a ticket, a client, a message, a token id. */
  notFound: 3,
  /** Refused by policy: e.g. a reinstatement whose consent method is never accepted. */
  refused: 4,
  /** Something needed is unavailable: the database is locked or read-only, a port is taken. */
  unavailable: 5,
  /** The configuration is invalid (sysexits EX_CONFIG). */
  config: 78,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown by commands for a clean non-zero exit with a one-line message (never process.exit deep inside). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.usage);
export const notFound = (message: string): CliError => new CliError(message, EXIT.notFound);
export const refused = (message: string): CliError => new CliError(message, EXIT.refused);
export const unavailable = (message: string): CliError => new CliError(message, EXIT.unavailable);
