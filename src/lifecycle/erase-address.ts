import type { Database } from 'better-sqlite3';
import { checkpointWal } from '../db/wal-checkpoint.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { isMailAddress } from '../mime/mail-address.ts';
import { addressHash } from '../privacy/address-hash.ts';
import { writeAudit } from '../store/audit-store.ts';
import {
  compactDatabase,
  eraseAddressRows,
  findAddressTraces,
  insertErasure,
  messagesNamingAddress,
  redactAddressEverywhere,
  withSecureDelete,
  type AddressTrace,
  type ErasureCounts,
} from '../store/erasure-store.ts';
import { eraseSuppressionAddress } from '../store/suppressions-store.ts';
import { eraseFiles } from './erase-files.ts';

export interface EraseOptions {
  address: string;
  /** config privacy.hashKey */
  hashKey: string;
  /** config dataDir: own copies of mail under it are deleted too. */
  dataDir: string;
  /** Who asked: `cli:<user>`, `token:<name>`, `user:<email>`. */
  actor: string;
  now: Date;
  /** Why (staff's words): audited with the address taken out. */
  reason?: string | undefined;
  logger?: Logger | undefined;
}

export interface ErasureResult {
  id: number;
  /** The keyed hash the address is kept as (suppressions still match it). */
  hash: string;
  at: string;
  /** Rows deleted or redacted per table; `files` for files deleted under the data dir. */
  counts: ErasureCounts;
  /** Files under the data dir that name the address but are not abusedesk's own copies (left for the operator). */
  filesRemaining: string[];
  /** Columns still holding the address (staff accounts and trap entries are never erased this way). */
  remaining: AddressTrace[];
  /** The database file was rewritten so no deleted copy stays in free pages. */
  compacted: boolean;
}

export class ErasureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ErasureError';
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Messages scanned per read while looking for raw messages that name the address (yielding between reads). */
const SCAN_BATCH = 500;

/**
 * Erases every stored trace of a person's address: raw messages that name it lose their bytes (the row stays,
 * marked), sends to it and mail to it (pending or sent, and the written `.eml` files) are deleted, unsubscribe
 * requests and acknowledgement counts of it go, and every other text (reports, tickets, timelines, audit
 * details, webhook logs, enforcement evidence) has it replaced by `[erased]`. Suppressions keep only the keyed
 * hash, so the address stays suppressed. The erasure itself is recorded by hash, never by address.
 */
export async function eraseAddress(db: Database, o: EraseOptions): Promise<ErasureResult> {
  const address = o.address.trim().toLowerCase();
  if (!isMailAddress(address)) throw new ErasureError(`"${o.address.trim()}" is not one mail address`);
  const hash = addressHash(o.hashKey, address);

  // Which raw messages name it: read in slices so intake and the worker run between them.
  const messageIds: number[] = [];
  for (let after = 0; ;) {
    const slice = messagesNamingAddress(db, address, after, SCAN_BATCH);
    messageIds.push(...slice.ids);
    if (slice.lastId === null) break;
    after = slice.lastId;
    await new Promise((r) => setImmediate(r));
  }

  const { id, counts, filesRemaining } = withSecureDelete(db, () => {
    // Files and rows in one synchronous stretch: the outbox sender of this process cannot write a copy between.
    const files = eraseFiles(o.dataDir, address);
    return db
      .transaction(() => {
        const c: ErasureCounts = eraseAddressRows(db, { address, hash, messageIds, now: o.now });
        const suppressions = eraseSuppressionAddress(db, { address, hash, now: o.now });
        if (suppressions > 0) c.suppressions = suppressions;
        for (const [table, n] of Object.entries(redactAddressEverywhere(db, { address, hash })))
          c[table] = (c[table] ?? 0) + n;
        if (files.removed.length) c.files = files.removed.length;
        const erasureId = insertErasure(db, { hash, actor: o.actor, counts: c, now: o.now });
        writeAudit(db, {
          actor: o.actor,
          action: 'address.erase',
          target: `erasure:${erasureId}`,
          detail: {
            hash,
            counts: c,
            ...(o.reason
              ? { reason: o.reason.split(new RegExp(escapeRe(address), 'i')).join('[erased]') }
              : {}),
          },
          now: o.now,
        });
        return { id: erasureId, counts: c, filesRemaining: files.remaining };
      })
      .immediate();
  });

  // Deleted text must not survive in free pages of the file or in the WAL.
  const compacted = compactDatabase(db);
  for (let i = 0; i < 20 && checkpointWal(db, 250).busy; i++) await new Promise((r) => setTimeout(r, 50));
  const remaining = findAddressTraces(db, address);
  if (o.logger) logEvent(o.logger, 'info', 'address.erased', { erasure: id, hash, counts, compacted });
  return { id, hash, at: o.now.toISOString(), counts, filesRemaining, remaining, compacted };
}
