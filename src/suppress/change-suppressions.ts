import type { Database } from 'better-sqlite3';
import { writeAudit } from '../store/audit-store.ts';
import { clientIdBySlug } from '../store/clients-store.ts';
import { parseSuppressionTarget, SuppressionTargetError } from '../store/suppression-target.ts';
import { removeSuppression, suppress, suppressionsToRemove } from '../store/suppressions-store.ts';
import { suppressionReasons, type SuppressionReason } from '../store/vocabulary.ts';
import { expiresAtFor, type SuppressionRules } from './suppression-rules.ts';

/** Reasons only an explicit staff removal with a reason (or a reinstatement with consent evidence) lifts. */
export const PROTECTED_REASONS: readonly SuppressionReason[] = ['complaint', 'unsubscribe', 'opt-out'];

const STREAM = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export interface AddItem {
  address: string;
  /** Client slug; null / absent: global. */
  client?: string | null | undefined;
  stream?: string | null | undefined;
  reason?: string | null | undefined;
  note?: string | null | undefined;
}

export interface RemoveItem {
  address: string;
  /** Client slug, `*` for the global rows only; absent with `all` for every scope. */
  client?: string | null | undefined;
  all?: boolean | undefined;
  stream?: string | null | undefined;
  reason?: string | null | undefined;
}

export interface ItemResult {
  index: number;
  address: string;
  status: 'created' | 'refreshed' | 'removed' | 'not-found' | 'invalid' | 'refused';
  /** created / refreshed: the suppression's id. */
  id?: number;
  /** removed: how many rows. */
  removed?: number;
  error?: string;
}

export interface ChangeContext {
  actor: string;
  now: Date;
  rules: Pick<SuppressionRules, 'expiryDays' | 'hash'> | null;
}

/** Client slug → id with a per-call cache; `undefined` for an unknown client. */
function clientResolver(db: Database): (slug: string) => number | undefined {
  const cache = new Map<string, number | undefined>();
  return (slug) => {
    if (!cache.has(slug)) cache.set(slug, clientIdBySlug(db, slug) ?? undefined);
    return cache.get(slug);
  };
}

/** Validates what can be checked without the database: target, reason, stream. An error text or the parsed item. */
function parseCommon(
  item: { address: string; stream?: string | null | undefined; reason?: string | null | undefined },
  defaultReason: SuppressionReason | null,
): { target: string; stream: string | null; reason: SuppressionReason | null } | string {
  let target: string;
  try {
    target = parseSuppressionTarget(String(item.address ?? '')).value;
  } catch (e) {
    if (e instanceof SuppressionTargetError) return `address: ${e.message}`;
    throw e;
  }
  const stream = item.stream ? item.stream.trim().toLowerCase() : null;
  if (stream !== null && !STREAM.test(stream))
    return 'stream: a stream name (letters, digits, dots, dashes, underscores)';
  const r = item.reason ? item.reason.trim() : null;
  if (r !== null && !suppressionReasons.includes(r as SuppressionReason))
    return `reason: one of ${suppressionReasons.join(', ')}`;
  return { target, stream, reason: (r as SuppressionReason | null) ?? defaultReason };
}

/**
 * Adds many suppressions in one transaction (API bulk, import): each item is validated on its own and gets a
 * result; a bad item does not stop the others. Each addition lands in the change log (and so a
 * suppression.created webhook) and the audit log.
 */
export function addSuppressions(db: Database, items: readonly AddItem[], c: ChangeContext): ItemResult[] {
  const clientId = clientResolver(db);
  return db.transaction(() =>
    items.map((item, index): ItemResult => {
      const p = parseCommon(item, 'manual');
      const address = String(item.address ?? '');
      if (typeof p === 'string') return { index, address, status: 'invalid', error: p };
      let cid: number | null = null;
      if (item.client) {
        const id = clientId(item.client);
        if (id === undefined)
          return { index, address, status: 'invalid', error: `client: unknown client "${item.client}"` };
        cid = id;
      }
      const reason = p.reason!;
      const note = item.note ? String(item.note).slice(0, 2000) : null;
      const r = suppress(db, {
        address: p.target,
        clientId: cid,
        stream: p.stream,
        reason,
        note,
        createdBy: c.actor,
        now: c.now,
        expiresAt: c.rules ? expiresAtFor(c.rules, reason, c.now) : null,
        hash: c.rules && !p.target.startsWith('@') ? c.rules.hash(p.target) : null,
      });
      writeAudit(db, {
        actor: c.actor,
        action: 'suppression.add',
        target: p.target,
        detail: { client: item.client ?? null, stream: p.stream, reason, note, created: r.created },
        now: c.now,
      });
      return { index, address: p.target, status: r.created ? 'created' : 'refreshed', id: r.id };
    }),
  )();
}

/**
 * Removes many suppressions in one transaction, each item with its result. Complaints, unsubscribes and opt-outs
 * are lifted only with a staff reason (`why`): without one such an item is refused and nothing of it removed.
 */
export function removeSuppressions(
  db: Database,
  items: readonly RemoveItem[],
  c: ChangeContext & { why: string | null },
): ItemResult[] {
  const clientId = clientResolver(db);
  return db.transaction(() =>
    items.map((item, index): ItemResult => {
      const address = String(item.address ?? '');
      const p = parseCommon(item, null);
      if (typeof p === 'string') return { index, address, status: 'invalid', error: p };
      let scope: number | null | undefined;
      if (item.all) scope = undefined;
      else if (item.client === '*') scope = null;
      else if (item.client) {
        const id = clientId(item.client);
        if (id === undefined)
          return { index, address, status: 'invalid', error: `client: unknown client "${item.client}"` };
        scope = id;
      } else
        return {
          index,
          address,
          status: 'invalid',
          error: 'client: a client slug, * for the global rows, or all for every scope',
        };
      const o = {
        ...(item.stream !== undefined ? { stream: p.stream } : {}),
        hash: c.rules && !p.target.startsWith('@') ? c.rules.hash(p.target) : null,
      };
      const rows = suppressionsToRemove(db, p.target, scope, p.reason ?? undefined, o);
      if (rows.length === 0) return { index, address: p.target, status: 'not-found' };
      const guarded = rows.filter((r) => PROTECTED_REASONS.includes(r.reason));
      if (guarded.length > 0 && !c.why)
        return {
          index,
          address: p.target,
          status: 'refused',
          error: `reason ${guarded[0]!.reason} is lifted only with a staff reason (why)`,
        };
      const n = removeSuppression(db, p.target, scope, p.reason ?? undefined, {
        ...o,
        actor: c.actor,
        why: c.why,
        now: c.now,
      });
      writeAudit(db, {
        actor: c.actor,
        action: 'suppression.remove',
        target: p.target,
        detail: {
          client: item.all ? 'all' : (item.client ?? null),
          stream: p.stream,
          reason: p.reason,
          why: c.why,
          removed: n,
        },
        now: c.now,
      });
      return { index, address: p.target, status: 'removed', removed: n };
    }),
  )();
}
