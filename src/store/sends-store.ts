import type { Database, Statement } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { MailboxProviders } from '../enforcement/mailbox-providers.ts';
import type { SendInput } from '../sends/send-records.ts';
import { normalizeAddress, normalizeMessageId } from './normalize-send-key.ts';
import type { ConsentMethod } from './vocabulary.ts';

/** A stored send, as attribution reads it. */
export interface Send {
  id: number;
  messageId: string | null;
  recipient: string;
  clientId: number;
  campaignId: number | null;
  sentAt: string;
  /** The mail stream the send belongs to (null: not given). */
  stream: string | null;
  consent: { method: ConsentMethod; date: string | null; ip: string | null; source: string | null } | null;
  createdAt: string;
}

/** A row insertSends refused, by its index in the input, with the reason (field first). */
export interface SendRowError {
  index: number;
  error: string;
}

export interface InsertSendsResult {
  /** Rows inserted or updated (a re-imported send keeps its id). */
  stored: number;
  errors: SendRowError[];
}

interface SendDbRow {
  id: number;
  message_id: string | null;
  recipient: string;
  client_id: number;
  campaign_id: number | null;
  sent_at: string;
  stream: string | null;
  consent_method: ConsentMethod | null;
  consent_at: string | null;
  consent_ip: string | null;
  consent_source: string | null;
  created_at: string;
}

const columns =
  'id, message_id, recipient, client_id, campaign_id, sent_at, stream, consent_method, consent_at, consent_ip, consent_source, created_at';

const toSend = (r: SendDbRow): Send => ({
  id: r.id,
  messageId: r.message_id,
  recipient: r.recipient,
  clientId: r.client_id,
  campaignId: r.campaign_id,
  sentAt: r.sent_at,
  stream: r.stream,
  consent: r.consent_method
    ? { method: r.consent_method, date: r.consent_at, ip: r.consent_ip, source: r.consent_source }
    : null,
  createdAt: r.created_at,
});

interface Statements {
  upsert: Statement;
  client: Statement;
  campaign: Statement;
  exists: Statement;
  volume: Statement;
}

// Statements are prepared once per connection: preparing per row would dominate a 100k-row import.
const statementCache = new WeakMap<Database, Statements>();

function statements(db: Database): Statements {
  let s = statementCache.get(db);
  if (!s) {
    s = {
      // ON CONFLICT … DO UPDATE keeps the row's id, which compact trace tokens refer to. The WHERE refuses to
      // move a known send to another client: that is a data error to report, not a correction to apply.
      upsert: db.prepare(
        `INSERT INTO sends (message_id, recipient, client_id, campaign_id, sent_at, stream, consent_method, consent_at, consent_ip, consent_source, created_at)
         VALUES (@messageId, @recipient, @clientId, @campaignId, @sentAt, @stream, @consentMethod, @consentAt, @consentIp, @consentSource, @createdAt)
         ON CONFLICT (message_id, recipient) DO UPDATE SET campaign_id = excluded.campaign_id, sent_at = excluded.sent_at,
           stream = coalesce(excluded.stream, stream),
           consent_method = coalesce(excluded.consent_method, consent_method), consent_at = coalesce(excluded.consent_at, consent_at),
           consent_ip = coalesce(excluded.consent_ip, consent_ip), consent_source = coalesce(excluded.consent_source, consent_source)
         WHERE client_id = excluded.client_id`,
      ),
      client: db.prepare('SELECT id FROM clients WHERE slug = ?').pluck(),
      campaign: db.prepare('SELECT id, client_id AS clientId FROM campaigns WHERE slug = ?'),
      exists: db.prepare('SELECT 1 FROM sends WHERE message_id = ? AND recipient = ?').pluck(),
      // Enforcement's per-provider volume (migration 010): bumped for new sends only, so a re-import counts once.
      volume:
        db.prepare(`INSERT INTO send_volume (client_id, campaign_id, day, mailbox_provider, sends) VALUES (?, ?, ?, ?, 1)
        ON CONFLICT (client_id, day, campaign_id, mailbox_provider) DO UPDATE SET sends = sends + 1`),
    };
    statementCache.set(db, s);
  }
  return s;
}

const BATCH = 1000;

/**
 * Stores sends, one transaction per 1,000 rows. Client and campaign slugs are resolved through caches local
 * to the call. Rows that cannot be stored (unknown client, campaign of another client…) are skipped and
 * returned as errors; the others are kept. Times are stored as ISO 8601 UTC. A new send also counts in its
 * client's daily volume to the recipient's mailbox provider (`providers`).
 */
export function insertSends(
  db: Database,
  rows: readonly SendInput[],
  now: Date,
  providers: Pick<MailboxProviders, 'of'>,
): InsertSendsResult {
  const s = statements(db);
  const createdAt = now.toISOString();
  const clients = new Map<string, number | undefined>();
  const campaigns = new Map<string, { id: number; clientId: number } | undefined>();
  const errors: SendRowError[] = [];
  let stored = 0;
  const clientId = (slug: string): number | undefined => {
    if (!clients.has(slug)) clients.set(slug, s.client.get(slug) as number | undefined);
    return clients.get(slug);
  };
  const campaign = (slug: string): { id: number; clientId: number } | undefined => {
    if (!campaigns.has(slug))
      campaigns.set(slug, s.campaign.get(slug) as { id: number; clientId: number } | undefined);
    return campaigns.get(slug);
  };
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const r = rows[i]!;
      const cid = clientId(r.client);
      if (cid === undefined) {
        errors.push({ index: i, error: `client: unknown client "${r.client}" (import it first)` });
        continue;
      }
      let campaignId: number | null = null;
      if (r.campaign) {
        const c = campaign(r.campaign);
        if (!c) {
          errors.push({ index: i, error: `campaign: unknown campaign "${r.campaign}" (import it first)` });
          continue;
        }
        if (c.clientId !== cid) {
          errors.push({
            index: i,
            error: `campaign: "${r.campaign}" belongs to another client than "${r.client}"`,
          });
          continue;
        }
        campaignId = c.id;
      }
      let changes: number;
      const messageId = normalizeMessageId(r.messageId);
      const recipient = normalizeAddress(r.recipient);
      const sentAt = new Date(r.sentAt).toISOString();
      try {
        const known = s.exists.get(messageId, recipient) !== undefined;
        changes = s.upsert.run({
          messageId,
          recipient,
          clientId: cid,
          campaignId,
          sentAt,
          stream: r.stream ?? null,
          consentMethod: r.consent?.method ?? null,
          consentAt: r.consent?.date ? new Date(r.consent.date).toISOString() : null,
          consentIp: r.consent?.ip ?? null,
          consentSource: r.consent?.source ?? null,
          createdAt,
        }).changes;
        if (changes === 1 && !known)
          s.volume.run(cid, campaignId ?? 0, sentAt.slice(0, 10), providers.of(recipient));
      } catch (e) {
        // A constraint the schema did not foresee fails this row only (SQLite rolls back just the statement).
        errors.push({ index: i, error: `(database): ${(e as Error).message}` });
        continue;
      }
      if (changes === 0)
        errors.push({
          index: i,
          error: `messageId: this send is already recorded for another client than "${r.client}"`,
        });
      else stored++;
    }
  });
  for (let from = 0; from < rows.length; from += BATCH) batch(from, Math.min(rows.length, from + BATCH));
  return { stored, errors };
}

export function getSend(db: Database, id: number): Send | null {
  const r = prepared(db, `SELECT ${columns} FROM sends WHERE id = ?`).get(id) as SendDbRow | undefined;
  return r ? toSend(r) : null;
}

/** Every send of one message (one per recipient), oldest first; the Message-ID is normalized as stored. */
export function findSendsByMessageId(db: Database, messageId: string): Send[] {
  const rows = prepared(db, `SELECT ${columns} FROM sends WHERE message_id = ? ORDER BY id`).all(
    normalizeMessageId(messageId),
  ) as SendDbRow[];
  return rows.map(toSend);
}

/**
 * The send of a message: to `recipient` when given; otherwise the message's only send. Returns null when
 * none matches, or when the message went to several recipients and none was named — guessing would
 * suppress the wrong address (use findSendsByMessageId for client/campaign, which they share).
 */
export function findSendByMessageId(db: Database, messageId: string, recipient?: string): Send | null {
  if (recipient !== undefined) {
    const r = prepared(db, `SELECT ${columns} FROM sends WHERE message_id = ? AND recipient = ?`).get(
      normalizeMessageId(messageId),
      normalizeAddress(recipient),
    ) as SendDbRow | undefined;
    return r ? toSend(r) : null;
  }
  const rows = prepared(db, `SELECT ${columns} FROM sends WHERE message_id = ? LIMIT 2`).all(
    normalizeMessageId(messageId),
  ) as SendDbRow[];
  return rows.length === 1 ? toSend(rows[0]!) : null;
}

/** Sends to one address, newest first, optionally for one client only. */
export function findSendsByRecipient(
  db: Database,
  recipient: string,
  clientId?: number,
  limit = 100,
): Send[] {
  const rows = (
    clientId === undefined
      ? prepared(
          db,
          `SELECT ${columns} FROM sends WHERE recipient = ? ORDER BY sent_at DESC, id DESC LIMIT ?`,
        ).all(normalizeAddress(recipient), limit)
      : prepared(
          db,
          `SELECT ${columns} FROM sends WHERE client_id = ? AND recipient = ? ORDER BY sent_at DESC, id DESC LIMIT ?`,
        ).all(clientId, normalizeAddress(recipient), limit)
  ) as SendDbRow[];
  return rows.map(toSend);
}

/** A send as attribution reads it: who got it, for which client and campaign, when. */
export interface SendRef {
  id: number;
  recipient: string;
  clientId: number;
  campaignId: number | null;
  sentAt: string;
}

const refColumns = 'id, recipient, client_id AS clientId, campaign_id AS campaignId, sent_at AS sentAt';

export function sendRefById(db: Database, id: number): SendRef | null {
  return (
    (prepared(db, `SELECT ${refColumns} FROM sends WHERE id = ?`).get(id) as SendRef | undefined) ?? null
  );
}

/** A send as a batch reads it ahead: what attribution reads, and its stream (the suppression's scope). */
export type SendAhead = SendRef & { stream: string | null };

/** The sends of a batch's reported originals, read in one statement (see sendsOfMessageIds). */
export interface SendsAhead {
  /** The Message-IDs asked for (normalized): a Message-ID not here was not read ahead. */
  asked: ReadonlySet<string>;
  /** The first send of each Message-ID asked for that has one. */
  first: ReadonlyMap<string, SendAhead>;
  /** Every send read, by id. */
  byId: ReadonlyMap<number, SendAhead>;
}

/** The sends of several Message-IDs (normalized) at once: what firstSendByMessageId answers for each, and more. */
export function sendsOfMessageIds(db: Database, messageIds: readonly string[]): SendsAhead {
  const asked = new Set(messageIds);
  const first = new Map<string, SendAhead>();
  const byId = new Map<number, SendAhead>();
  if (asked.size === 0) return { asked, first, byId };
  const rows = prepared(
    db,
    `SELECT ${refColumns}, stream, message_id AS messageId FROM sends
      WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  ).all(JSON.stringify([...asked])) as Array<SendAhead & { messageId: string }>;
  for (const { messageId, ...send } of rows) {
    byId.set(send.id, send);
    if (!first.has(messageId)) first.set(messageId, send);
  }
  return { asked, first, byId };
}

/** The first send stored for a Message-ID (given as stored: normalized), or null. */
export function firstSendByMessageId(db: Database, messageId: string): SendRef | null {
  return (
    (prepared(db, `SELECT ${refColumns} FROM sends WHERE message_id = ? ORDER BY id LIMIT 1`).get(
      messageId,
    ) as SendRef | undefined) ?? null
  );
}
