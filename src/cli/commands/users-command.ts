import type { Command } from 'commander';
import { writeAudit } from '../../store/audit-store.ts';
import { generatePassword } from '../../auth/staff-password.ts';
import {
  createStaffUser,
  resetStaffPassword,
  setStaffEnabled,
  StaffAccountError,
  staffRoles,
  type StaffRole,
} from '../../auth/staff-users.ts';
import { countStaffUsers, iterateStaffUsers } from '../../store/staff-store.ts';
import { CliError, EXIT } from '../cli-error.ts';
import { withDatabase } from '../cli-context.ts';
import { isText, listOptions, runList, type ListFlags } from '../list-output.ts';

/** The password from a piped stdin (first line), or null on a terminal / empty input. */
async function passwordFromStdin(): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  let data = '';
  for await (const chunk of process.stdin) data += String(chunk as Buffer);
  const line = data.split(/\r?\n/)[0] ?? '';
  return line.length ? line : null;
}

const cliActor = (): string => `cli:${process.env.USER ?? 'staff'}`;

/** The exit code of a refused account change: 3 for an unknown account, 4 for a rule, 2 for a bad value. */
function accountError(e: unknown): never {
  if (e instanceof StaffAccountError)
    throw new CliError(
      e.message,
      e.kind === 'not-found' ? EXIT.notFound : e.kind === 'refused' ? EXIT.refused : EXIT.usage,
    );
  throw e;
}

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('staff accounts for the web UI');
  users
    .command('add <email>')
    .description('create a staff account; the password is read from stdin, or generated and printed once')
    .option('--role <role>', `one of ${staffRoles.join(', ')}`, 'agent')
    .option('--name <name>', 'display name')
    .action(async (email: string, o: { role: string; name?: string }, cmd: Command) => {
      if (!staffRoles.includes(o.role as StaffRole))
        throw new CliError(`--role must be one of ${staffRoles.join(', ')}`, EXIT.usage);
      const given = await passwordFromStdin();
      const password = given ?? generatePassword();
      await withDatabase(cmd, (db) => {
        try {
          const u = createStaffUser(db, {
            email,
            name: o.name,
            role: o.role as StaffRole,
            password,
            now: new Date(),
          });
          writeAudit(db, {
            actor: cliActor(),
            action: 'staff.add',
            target: u.email,
            detail: { role: u.role },
          });
          process.stdout.write(
            given
              ? `created ${u.email} (${u.role})\n`
              : `created ${u.email} (${u.role}); password (shown once): ${password}\n`,
          );
        } catch (e) {
          throw new CliError((e as Error).message, EXIT.failed);
        }
      });
    });
  listOptions(users.command('list').description('staff accounts')).action((o: ListFlags, cmd: Command) =>
    withDatabase(cmd, (db) =>
      runList(cmd, o, {
        name: 'users list',
        filters: {},
        rows: (after, limit) => iterateStaffUsers(db, { after, limit }),
        count: () => countStaffUsers(db),
        keyOf: (u) => u.email,
        isKey: isText,
        columns: ['email', 'name', 'role', 'status', 'createdAt'],
        cells: (u) => ({ ...u, status: u.disabledAt ? 'disabled' : 'enabled' }),
      }),
    ),
  );
  for (const enabled of [false, true])
    users
      .command(enabled ? 'enable <email>' : 'disable <email>')
      .description(
        enabled
          ? 'let a disabled staff account log in again'
          : 'stop a staff account from logging in; its open sessions end at once',
      )
      .option('--reason <text>', 'why (kept in the audit log)')
      .action((email: string, o: { reason?: string }, cmd: Command) =>
        withDatabase(cmd, (db) => {
          try {
            const r = setStaffEnabled(db, {
              email,
              enabled,
              actor: cliActor(),
              reason: o.reason,
              now: new Date(),
            });
            process.stdout.write(
              !r.changed
                ? `${r.account.email} was already ${enabled ? 'enabled' : 'disabled'}\n`
                : enabled
                  ? `enabled ${r.account.email}\n`
                  : `disabled ${r.account.email}; ${r.sessionsEnded} session(s) ended\n`,
            );
          } catch (e) {
            accountError(e);
          }
        }),
      );
  users
    .command('reset <email>')
    .description(
      'set a new password for a staff account (printed once, or read from stdin with --password-stdin); its sessions end',
    )
    .option('--password-stdin', 'read the new password from the first line of stdin')
    .option('--reason <text>', 'why (kept in the audit log)')
    .action(async (email: string, o: { passwordStdin?: boolean; reason?: string }, cmd: Command) => {
      const given = o.passwordStdin ? await passwordFromStdin() : null;
      if (o.passwordStdin && !given) throw new CliError('--password-stdin: no password on stdin', EXIT.usage);
      await withDatabase(cmd, (db) => {
        try {
          const r = resetStaffPassword(db, {
            email,
            password: given,
            actor: cliActor(),
            reason: o.reason,
            now: new Date(),
          });
          process.stdout.write(
            r.generated
              ? `password of ${r.account.email} reset; new password (shown once): ${r.password}\n`
              : `password of ${r.account.email} reset\n`,
          );
        } catch (e) {
          accountError(e);
        }
      });
    });
}
