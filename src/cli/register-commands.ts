import type { Command } from 'commander';

/** One top-level command: what `--help` shows without loading it, and how to load it. */
interface CommandEntry {
  name: string;
  /** Arguments as commander spells them, shown in the command list. */
  args?: string;
  description: string;
  hidden?: boolean;
  load: () => Promise<(program: Command) => void>;
}

/**
 * Every CLI command, one module each under ./commands, loaded only when named: `abusedesk --help` and
 * `abusedesk tickets list` then start without importing the HTTP server, the SMTP stack or the parser. A test
 * checks that each entry's description is the one its module registers.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'serve',
    description: 'run SMTP intake, processing, outbox, HTTP API and web UI in one process',
    load: async () => (await import('./commands/serve-command.ts')).registerServeCommand,
  },
  {
    name: 'ingest',
    args: '<paths...>',
    description:
      'run files, directories and mbox files through the whole pipeline (backfills); progress bar on a terminal, summary at the end',
    load: async () => (await import('./commands/ingest-command.ts')).registerIngestCommand,
  },
  {
    name: 'messages',
    description: 'the intake log: every accepted message, its state and what it became',
    load: async () => (await import('./commands/messages-command.ts')).registerMessagesCommand,
  },
  {
    name: 'tickets',
    description: "staff's unit of work: list, show, resolve, note",
    load: async () => (await import('./commands/tickets-command.ts')).registerTicketsCommand,
  },
  {
    name: 'suppressions',
    description: 'addresses the ESP must not mail, per client (or global)',
    load: async () => (await import('./commands/suppressions-command.ts')).registerSuppressionsCommand,
  },
  {
    name: 'erase',
    args: '<address>',
    description:
      "erase every stored trace of a person's address; suppressions keep only its keyed hash, so it stays suppressed",
    load: async () => (await import('./commands/erase-command.ts')).registerEraseCommand,
  },
  {
    name: 'db',
    description: 'database maintenance',
    load: async () => (await import('./commands/db-command.ts')).registerDbCommand,
  },
  {
    name: 'config',
    description: 'inspect configuration',
    load: async () => (await import('./commands/config-command.ts')).registerConfigCommand,
  },
  {
    name: 'parse',
    args: '<files...>',
    description: 'understand messages without side effects; prints one JSON object per file (NDJSON)',
    load: async () => (await import('./commands/parse-command.ts')).registerParseCommand,
  },
  {
    name: 'bench',
    description: 'benchmarks (npm run bench): durable SMTP intake vs a bare smtp-server; parse throughput',
    load: async () => (await import('./commands/bench-command.ts')).registerBenchCommand,
  },
  {
    name: 'bench-server',
    args: '<mode> [sends]',
    description: 'server side of the benchmark (intake | bare | e2e | api | hostile)',
    hidden: true,
    load: async () => (await import('./commands/bench-command.ts')).registerBenchCommand,
  },
  {
    name: 'import',
    args: '<kind> <file>',
    description:
      'load sends, campaigns, clients, suppressions from a JSONL or CSV file; keeps good rows, reports bad ones by line',
    load: async () => (await import('./commands/import-command.ts')).registerImportCommand,
  },
  {
    name: 'token',
    description: 'mint and open trace tokens (AES-256-GCM, keys under tokens in the config)',
    load: async () => (await import('./commands/token-command.ts')).registerTokenCommand,
  },
  {
    name: 'tokens',
    description: 'API tokens for /api/v1, with roles viewer, agent, admin',
    load: async () => (await import('./commands/tokens-command.ts')).registerTokensCommand,
  },
  {
    name: 'users',
    description: 'staff accounts for the web UI',
    load: async () => (await import('./commands/users-command.ts')).registerUsersCommand,
  },
  {
    name: 'demo',
    description: 'demo traffic for the demo clients (acme, globex, initech)',
    load: async () => (await import('./commands/demo-command.ts')).registerDemoCommand,
  },
  {
    name: 'webhooks',
    description: 'webhook delivery log (from the outbox) and manual replay',
    load: async () => (await import('./commands/webhooks-command.ts')).registerWebhooksCommand,
  },
  {
    name: 'clients',
    description: 'client accounts: status, reputation score, enforcement, suspension and reinstatement',
    load: async () => (await import('./commands/clients-command.ts')).registerClientsCommand,
  },
  {
    name: 'traps',
    description: 'the managed spam-trap list: a complaint or bounce involving one is a trap hit',
    load: async () => (await import('./commands/traps-command.ts')).registerTrapsCommand,
  },
  {
    name: 'nodes',
    description:
      'the nodes sharing the database: up or down, the singleton jobs each runs, its claimed messages',
    load: async () => (await import('./commands/nodes-command.ts')).registerNodesCommand,
  },
  {
    name: 'imap',
    description: 'IMAP mailboxes mail is taken from (imap.sources): check that each can be reached',
    load: async () => (await import('./commands/imap-command.ts')).registerImapCommand,
  },
];

/** The command a command line names: the first word that is not an option or an option's value. */
export function namedCommand(argv: readonly string[]): string | null {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--config') i++;
    else if (!a.startsWith('-')) return a === 'help' ? (args[i + 1] ?? null) : a;
  }
  return null;
}

/**
 * Registers the named command for real (its module loaded) and the others as light entries that only show
 * in the command list. With no command named, every entry is light: the top-level help needs no module.
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const named = namedCommand(argv);
  const wanted = COMMANDS.find((c) => c.name === named);
  if (wanted) (await wanted.load())(program);
  const present = new Set(program.commands.map((c) => c.name()));
  for (const entry of COMMANDS) {
    if (present.has(entry.name)) continue;
    program
      .command(`${entry.name}${entry.args ? ` ${entry.args}` : ''}`, { hidden: entry.hidden === true })
      .description(entry.description)
      .allowUnknownOption()
      .allowExcessArguments();
  }
}

/** Every command registered for real (for tests and the reference docs). */
export async function registerAllCommands(program: Command): Promise<void> {
  const done = new Set<(program: Command) => void>();
  for (const entry of COMMANDS) {
    const register = await entry.load();
    if (done.has(register)) continue;
    done.add(register);
    register(program);
  }
}
