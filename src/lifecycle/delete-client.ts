import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { removeClientSuppressions } from '../store/suppressions-store.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { writeAudit } from '../store/audit-store.ts';
import {
  archiveRows,
  archiveSections,
  clientRowForArchive,
  deleteClientRows,
} from '../store/client-deletion-store.ts';
import { clientIdBySlug } from '../store/clients-store.ts';

/** The archive's format name: readers check it before trusting the shape. */
export const CLIENT_ARCHIVE_FORMAT = 'abusedesk-client-archive/1';

export class ClientDeletionError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'refused',
  ) {
    super(message);
    this.name = 'ClientDeletionError';
  }
}

/**
 * A client's archive as JSON text, piece by piece (rows are read one at a time, so a client with millions of
 * sends never sits in memory): the client, its domains, campaigns, sends, reports, tickets with their timelines,
 * per-client suppressions, signals, status history, unsubscribe requests and send volumes.
 */
export function* clientArchiveChunks(db: Database, clientId: number, now: Date): Generator<string> {
  const client = clientRowForArchive(db, clientId);
  if (!client) throw new ClientDeletionError(`no client with id ${clientId}`, 'not-found');
  yield `{"format":${JSON.stringify(CLIENT_ARCHIVE_FORMAT)},"exportedAt":${JSON.stringify(now.toISOString())},"client":${JSON.stringify(client)}`;
  for (const section of archiveSections) {
    yield `,\n${JSON.stringify(section)}:[`;
    let n = 0;
    for (const row of archiveRows(db, clientId, section)) yield `${n++ ? ',' : ''}\n${JSON.stringify(row)}`;
    yield ']';
  }
  yield '}\n';
}

/** Writes the archive to `file` durably (temp file, fsync, rename): it exists whole or not at all. */
export function writeClientArchive(db: Database, clientId: number, file: string, now: Date): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    let buf = '';
    for (const chunk of clientArchiveChunks(db, clientId, now)) {
      buf += chunk;
      if (buf.length >= 65536) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    writeSync(fd, buf);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

export interface DeleteClientOptions {
  slug: string;
  actor: string;
  now: Date;
  /** Write the archive here first; null only when staff explicitly chose no archive. */
  exportFile: string | null;
  /** The archive went to the caller in the same transaction (the API's answer) rather than to a file. */
  archivedInAnswer?: boolean;
  reason?: string | undefined;
  logger?: Logger | undefined;
}

export interface DeleteClientResult {
  slug: string;
  /** Rows deleted per table. */
  deleted: Record<string, number>;
  exportFile: string | null;
  auditId: number;
}

/**
 * Deletes a client and its data. The archive is written (and fsync'd) inside the same transaction before any row
 * goes, so nothing that arrives meanwhile is deleted without being in it, and a failed write deletes nothing.
 * Global suppressions, erasure records and the audit log stay; the deletion is audited.
 */
export function deleteClient(db: Database, o: DeleteClientOptions): DeleteClientResult {
  return db
    .transaction(() => {
      const clientId = clientIdBySlug(db, o.slug);
      if (clientId === null) throw new ClientDeletionError(`unknown client "${o.slug}"`, 'not-found');
      if (o.exportFile) writeClientArchive(db, clientId, o.exportFile, o.now);
      // Through the suppression store, so each removal reaches the change log, the sync API and webhooks.
      const suppressions = removeClientSuppressions(db, clientId, {
        actor: o.actor,
        why: `client ${o.slug} deleted`,
        now: o.now,
      });
      const deleted = deleteClientRows(db, clientId);
      if (suppressions > 0) deleted.suppressions = suppressions;
      const archive = o.exportFile ? 'file' : o.archivedInAnswer ? 'answer' : 'none';
      const auditId = writeAudit(db, {
        actor: o.actor,
        action: 'client.delete',
        target: o.slug,
        detail: { deleted, archive, reason: o.reason ?? null },
        now: o.now,
      });
      if (o.logger)
        logEvent(o.logger, 'info', 'client.deleted', {
          client: o.slug,
          deleted,
          archive,
        });
      return { slug: o.slug, deleted, exportFile: o.exportFile, auditId };
    })
    .immediate();
}

/**
 * The archive as one string and the deletion in one transaction (the API returns the archive in its answer):
 * the archive holds exactly what was deleted.
 */
export function deleteClientWithArchive(
  db: Database,
  o: Omit<DeleteClientOptions, 'exportFile'>,
): DeleteClientResult & { archive: string } {
  return db
    .transaction(() => {
      const clientId = clientIdBySlug(db, o.slug);
      if (clientId === null) throw new ClientDeletionError(`unknown client "${o.slug}"`, 'not-found');
      const archive = [...clientArchiveChunks(db, clientId, o.now)].join('');
      return { ...deleteClient(db, { ...o, exportFile: null, archivedInAnswer: true }), archive };
    })
    .immediate();
}

/** A client's archive without deleting anything (a prior export), audited as client.export. */
export function exportClientArchive(db: Database, o: { slug: string; actor: string; now: Date }): string {
  return db
    .transaction(() => {
      const clientId = clientIdBySlug(db, o.slug);
      if (clientId === null) throw new ClientDeletionError(`unknown client "${o.slug}"`, 'not-found');
      const archive = [...clientArchiveChunks(db, clientId, o.now)].join('');
      writeAudit(db, { actor: o.actor, action: 'client.export', target: o.slug, now: o.now });
      return archive;
    })
    .immediate();
}
