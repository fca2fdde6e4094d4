import type { Command } from 'commander';

export interface GlobalOptions {
  config?: string;
  utc?: boolean;
  debug?: boolean;
}

/** The root program's options (e.g. --config) as seen from any subcommand. */
export function globalOptions(cmd: Command): GlobalOptions {
  let root = cmd;
  while (root.parent) root = root.parent;
  return root.opts<GlobalOptions>();
}

/** How tables show times, from --utc. */
export function timeStyle(cmd: Command): { utc: boolean } {
  return { utc: globalOptions(cmd).utc === true };
}
