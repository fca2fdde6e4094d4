import type { Command } from 'commander';
import { writeAudit } from '../../store/audit-store.ts';
import { generatePassword } from '../../auth/staff-password.ts';
import { createStaffUser, staffRoles, type StaffRole } from '../../auth/staff-users.ts';
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
            actor: `cli:${process.env.USER ?? 'staff'}`,
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
        columns: ['email', 'name', 'role', 'createdAt'],
        cells: (u) => ({ ...u }),
      }),
    ),
  );
}
