import type { Command } from 'commander';
import { clientIdBySlug, countClients } from '../../store/clients-store.ts';
import { keyringFromConfig } from '../../attribute/token-keyring.ts';
import { mintTraceToken, openTraceToken, type TraceClaims } from '../../attribute/trace-token.ts';
import { getSend } from '../../store/sends-store.ts';
import { campaignRefBySlug } from '../../store/campaigns-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { commandConfig, printJson, withDatabase } from '../cli-context.ts';

interface MintOptions {
  client?: string;
  campaign?: string;
  recipient?: string;
  sentAt?: string;
  sendId?: string;
  compact?: boolean;
  force?: boolean;
}

function parseSentAt(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(d.getTime()))
    throw new CliError(
      `--sent-at must be an ISO 8601 date-time such as 2026-11-02T08:00:00Z, got "${value}"`,
      EXIT.usage,
    );
  return d;
}

/** Compact claims come from the stored send: its row id is what the token carries, and the row is the truth. */
async function compactClaims(cmd: Command, opts: MintOptions): Promise<TraceClaims> {
  const id = Number(opts.sendId);
  if (!opts.sendId || !Number.isSafeInteger(id) || id < 1)
    throw new CliError(
      '--compact needs --send-id N, the id of a send in the sends table (abusedesk import sends)',
      EXIT.usage,
    );
  return withDatabase(cmd, (db) => {
    const send = getSend(db, id);
    if (!send) throw new CliError(`no send with id ${id}`, EXIT.notFound);
    const client = opts.client && (clientIdBySlug(db, opts.client) ?? undefined);
    if (opts.client && client !== send.clientId)
      throw new CliError(`send ${id} does not belong to client "${opts.client}"`, EXIT.usage);
    if (opts.recipient && opts.recipient.trim().toLowerCase() !== send.recipient)
      throw new CliError(`send ${id} went to another recipient`, EXIT.usage);
    return {
      clientId: send.clientId,
      campaignId: send.campaignId,
      sendId: send.id,
      sentAt: opts.sentAt ? parseSentAt(opts.sentAt) : new Date(send.sentAt),
    };
  });
}

/**
 * A token for a client or campaign abusedesk does not know would attribute complaints to nobody: refuse it,
 * naming what is missing, unless --force says the import comes later.
 */
async function requireKnown(cmd: Command, client: string, campaign: string): Promise<void> {
  await withDatabase(cmd, (db) => {
    const clientId = clientIdBySlug(db, client);
    if (clientId === null && countClients(db) === 0)
      throw new CliError(
        `unknown client "${client}": no clients yet (\`abusedesk serve\` loads the demo clients into an empty database; \`abusedesk import clients\` loads yours), or mint with --force`,
        EXIT.notFound,
      );
    if (clientId === null)
      throw new CliError(
        `unknown client "${client}": import it first (abusedesk import clients) or mint with --force`,
        EXIT.notFound,
      );
    const known = campaignRefBySlug(db, campaign);
    if (known === null)
      throw new CliError(
        `unknown campaign "${campaign}": import it first (abusedesk import campaigns) or mint with --force`,
        EXIT.notFound,
      );
    if (known.clientId !== clientId)
      throw new CliError(`campaign "${campaign}" belongs to another client, not "${client}"`, EXIT.usage);
  });
}

export function registerTokenCommand(program: Command): void {
  const token = program
    .command('token')
    .description('mint and open trace tokens (AES-256-GCM, keys under tokens in the config)');
  token
    .command('mint')
    .description('print a trace token for one send, alone on stdout')
    .option('--client <slug>', 'client slug, e.g. acme')
    .option('--campaign <slug>', 'campaign slug, e.g. acme-spring-sale')
    .option('--recipient <address>', 'the address the send went to')
    .option('--sent-at <iso>', 'send time (default: now)')
    .option('--send-id <id>', 'full form: your id for the send; --compact: the send row id')
    .option('--force', 'mint for a client or campaign not imported yet (tokens minted ahead of an import)')
    .option(
      '--compact',
      'the ≤ 64-character form for a VERP local part: ids of the stored send instead of the address',
    )
    .action(async (opts: MintOptions, cmd: Command) => {
      const keyring = keyringFromConfig(commandConfig(cmd).config);
      let claims: TraceClaims;
      if (opts.compact) claims = await compactClaims(cmd, opts);
      else {
        const missing = (['client', 'campaign', 'recipient'] as const).filter((k) => !opts[k]);
        if (missing.length)
          throw new CliError(`token mint needs ${missing.map((k) => `--${k}`).join(', ')}`, EXIT.usage);
        claims = {
          client: opts.client!,
          campaign: opts.campaign!,
          recipient: opts.recipient!,
          sentAt: parseSentAt(opts.sentAt),
          ...(opts.sendId ? { sendId: opts.sendId } : {}),
        };
        if (!opts.force) await requireKnown(cmd, claims.client, claims.campaign);
      }
      if (keyring.usesDemoKey)
        process.stderr.write(
          'abusedesk: warning: minting with the public demo key (configure tokens.keys)\n',
        );
      let minted: string;
      try {
        minted = mintTraceToken(claims, keyring);
      } catch (e) {
        throw new CliError((e as Error).message, EXIT.usage);
      }
      process.stdout.write(`${minted}\n`);
    });
  token
    .command('open <token>')
    .description('check a trace token and print what it says')
    .option('--json', 'print one JSON object')
    .action((value: string, opts: { json?: boolean }, cmd: Command) => {
      const claims = openTraceToken(value.trim(), keyringFromConfig(commandConfig(cmd).config));
      if (!claims) throw new CliError('token does not open (forged, corrupted or unknown key)', EXIT.failed);
      if (opts.json) return printJson(claims);
      const rows = Object.entries(claims).map(
        ([k, v]) => `${k.padEnd(11)} ${v instanceof Date ? v.toISOString() : String(v)}`,
      );
      process.stdout.write(`${rows.join('\n')}\n`);
    });
}
