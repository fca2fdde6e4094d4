import type { Database } from 'better-sqlite3';
import { findSendsByRecipient } from '../../store/sends-store.ts';
import type { UnsubscribeTarget } from './unsubscribe-target.ts';

/**
 * The mail stream an unsubscribe is about, from the send log: the stream of the recipient's sends of the token's
 * campaign (or of the client, when the token names no campaign). Only an unambiguous answer scopes the
 * suppression: when those sends name different streams, or none, it is null and the unsubscribe holds for every
 * stream — the cautious reading.
 */
export function sendStream(db: Database, target: UnsubscribeTarget): string | null {
  const sends = findSendsByRecipient(db, target.address, target.clientId, 200).filter(
    (s) => target.campaignId === null || s.campaignId === target.campaignId,
  );
  const streams = new Set(sends.map((s) => s.stream));
  if (streams.size !== 1) return null;
  return [...streams][0] ?? null;
}
