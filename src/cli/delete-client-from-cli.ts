import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import { CliError, EXIT } from './cli-error.ts';
import { clientIdBySlug } from '../store/clients-store.ts';
import { confirmOnTerminal } from '../lifecycle/confirm-on-terminal.ts';
import { ClientDeletionError, deleteClient } from '../lifecycle/delete-client.ts';

/** `abusedesk clients delete SLUG --export FILE | --no-export [--yes]`. */
export async function deleteClientFromCli(
  db: Database,
  slug: string,
  o: { export?: string | false; reason?: string; yes?: boolean; actor: string },
): Promise<void> {
  if (o.export === undefined)
    throw new CliError(
      'clients delete needs --export FILE (the archive is written before anything is deleted), or --no-export to delete without one',
      EXIT.usage,
    );
  if (clientIdBySlug(db, slug) === null) throw new CliError(`unknown client "${slug}"`, EXIT.notFound);
  const file = o.export === false ? null : resolve(o.export);
  if (file && existsSync(file))
    throw new CliError(`${file} exists: choose a new file for the archive`, EXIT.usage);
  if (
    !o.yes &&
    !(await confirmOnTerminal(
      `Delete client ${slug} and all its data${file ? ` (archive: ${file})` : ' WITHOUT an archive'}? Type the slug to go ahead: `,
      slug,
    ))
  )
    throw new CliError('not deleted: confirm on a terminal, or pass --yes', EXIT.usage);
  try {
    const r = deleteClient(db, { slug, actor: o.actor, now: new Date(), exportFile: file, reason: o.reason });
    const out = (s: string): boolean => process.stdout.write(`${s}\n`);
    out(`deleted client ${slug}${file ? `; archive written to ${file}` : ' (no archive)'}`);
    for (const [table, n] of Object.entries(r.deleted)) out(`  ${table.padEnd(22)} ${String(n).padStart(7)}`);
  } catch (e) {
    if (e instanceof ClientDeletionError) throw new CliError(e.message, EXIT.notFound);
    throw e;
  }
}
