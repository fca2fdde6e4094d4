import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/** How far an IMAP source has taken one mailbox. */
export interface ImapMailboxState {
  source: string;
  mailbox: string;
  uidValidity: string;
  /** Every message up to this UID has been stored and handled on the server. */
  lastUid: number;
  taken: number;
  updatedAt: string;
}

interface Row {
  source: string;
  mailbox: string;
  uid_validity: string;
  last_uid: number;
  taken: number;
  updated_at: string;
}

const toState = (r: Row): ImapMailboxState => ({
  source: r.source,
  mailbox: r.mailbox,
  uidValidity: r.uid_validity,
  lastUid: r.last_uid,
  taken: r.taken,
  updatedAt: r.updated_at,
});

export function readImapState(db: Database, source: string, mailbox: string): ImapMailboxState | null {
  const row = prepared(db, 'SELECT * FROM imap_state WHERE source = ? AND mailbox = ?').get(
    source,
    mailbox,
  ) as Row | undefined;
  return row ? toState(row) : null;
}

/** Every source's progress, by source and mailbox. */
export function listImapState(db: Database): ImapMailboxState[] {
  return (prepared(db, 'SELECT * FROM imap_state ORDER BY source, mailbox').all() as Row[]).map(toState);
}

/**
 * The mailbox was opened with this UIDVALIDITY: returns the progress to resume from. A UIDVALIDITY other
 * than the stored one makes every stored UID meaningless (RFC 9051 section 2.3.1.1), so progress starts
 * again at UID 0 (`reset`); the messages already stored are recognised by their bytes and not stored twice.
 */
export function openImapMailbox(
  db: Database,
  o: { source: string; mailbox: string; uidValidity: string; at: Date },
): { state: ImapMailboxState; reset: { from: string } | null } {
  return db.transaction(() => {
    const before = readImapState(db, o.source, o.mailbox);
    prepared(
      db,
      `INSERT INTO imap_state (source, mailbox, uid_validity, last_uid, taken, updated_at)
       VALUES (@source, @mailbox, @uidValidity, 0, 0, @at)
       ON CONFLICT (source, mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = 0,
         updated_at = excluded.updated_at
       WHERE imap_state.uid_validity <> excluded.uid_validity`,
    ).run({ ...o, at: o.at.toISOString() });
    const state = readImapState(db, o.source, o.mailbox)!;
    const reset = before && before.uidValidity !== o.uidValidity ? { from: before.uidValidity } : null;
    return { state, reset };
  })();
}

/**
 * A message up to `uid` was stored and handled on the server: the next round starts after it. `counted`
 * false for a message that was already stored (a re-scan) or was left on the server (too large).
 */
export function recordImapTaken(
  db: Database,
  o: { source: string; mailbox: string; uidValidity: string; uid: number; counted: boolean; at: Date },
): void {
  prepared(
    db,
    `UPDATE imap_state SET last_uid = max(last_uid, @uid), taken = taken + @counted, updated_at = @at
     WHERE source = @source AND mailbox = @mailbox AND uid_validity = @uidValidity`,
  ).run({ ...o, counted: o.counted ? 1 : 0, at: o.at.toISOString() });
}
