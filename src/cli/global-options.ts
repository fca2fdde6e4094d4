import type { Command } from 'commander';

export interface GlobalOptions {
  config?: string;
}

/** The root program's options (e.g. --config) as seen from any subcommand. */
export function globalOptions(cmd: Command): GlobalOptions {
  let root = cmd;
  while (root.parent) root = root.parent;
  return root.opts<GlobalOptions>();
}
