import type { Command } from 'commander';
import { apiRoles, createApiToken, revokeApiToken, type ApiRole } from '../../auth/api-tokens.ts';
import { countApiTokens, iterateApiTokens } from '../../store/api-tokens-store.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { withDatabase } from '../cli-context.ts';
import { isId, listOptions, runList, type ListFlags } from '../list-output.ts';

const cliActor = (): string => `cli:${process.env.USER ?? 'staff'}`;

/** `abusedesk tokens`: API bearer tokens with roles (not `token`, which mints trace tokens). */
export function registerTokensCommand(program: Command): void {
  const tokens = program
    .command('tokens')
    .description(`API tokens for /api/v1, with roles ${apiRoles.join(', ')}`);
  tokens
    .command('create')
    .description('create a token and print its secret alone on stdout (shown once, stored hashed)')
    .requiredOption('--role <role>', apiRoles.join(', '))
    .requiredOption('--name <name>', 'who or what uses it, e.g. platform')
    .action((o: { role: string; name: string }, cmd: Command) =>
      withDatabase(cmd, (db) => {
        if (!apiRoles.includes(o.role as ApiRole))
          throw new CliError(`--role must be one of ${apiRoles.join(', ')}`, EXIT.usage);
        if (!o.name.trim()) throw new CliError('--name must not be empty', EXIT.usage);
        const now = new Date();
        const { token, secret } = db.transaction(() => {
          const created = createApiToken(db, { name: o.name.trim(), role: o.role as ApiRole, now });
          writeAudit(db, {
            actor: cliActor(),
            action: 'token.create',
            target: `token:${created.token.id}`,
            detail: { name: created.token.name, role: created.token.role },
            now,
          });
          return created;
        })();
        process.stdout.write(`${secret}\n`);
        process.stderr.write(
          `token ${token.id} "${token.name}" (${token.role}) created; the secret above is not shown again\n`,
        );
      }),
    );
  listOptions(tokens.command('list').description('tokens (never their secrets)')).action(
    (o: ListFlags, cmd: Command) =>
      withDatabase(cmd, (db) =>
        runList(cmd, o, {
          name: 'tokens list',
          filters: {},
          rows: (after, limit) => iterateApiTokens(db, { after, limit }),
          count: () => countApiTokens(db),
          keyOf: (t) => t.id,
          isKey: isId,
          columns: ['id', 'name', 'role', 'prefix', 'status', 'createdAt', 'lastUsedAt', 'revokedAt'],
          cells: (t) => ({ ...t, status: t.revokedAt ? 'revoked' : 'live' }),
        }),
      ),
  );
  tokens
    .command('revoke <id>')
    .description('revoke a token by id (it stops working at once)')
    .action((id: string, _o: unknown, cmd: Command) =>
      withDatabase(cmd, (db) => {
        const n = Number(id);
        if (!Number.isSafeInteger(n) || n < 1)
          throw new CliError(`"${id}" is not a token id (see abusedesk tokens list)`, EXIT.usage);
        const now = new Date();
        db.transaction(() => {
          if (!revokeApiToken(db, n, now)) throw new CliError(`no live token with id ${n}`, EXIT.notFound);
          writeAudit(db, { actor: cliActor(), action: 'token.revoke', target: `token:${n}`, now });
        })();
        process.stdout.write(`token ${n} revoked\n`);
      }),
    );
}
