/** Thrown by commands for a clean non-zero exit with a message (never process.exit deep inside). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
