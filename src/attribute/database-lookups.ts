import type { Database } from 'better-sqlite3';
import { campaignRefById, campaignRefBySlug, campaignRunningAt } from '../store/campaigns-store.ts';
import { clientRefByDomain, clientRefById, clientRefBySlug } from '../store/clients-store.ts';
import { firstSendByMessageId, sendRefById, type SendsAhead } from '../store/sends-store.ts';
import type { AttributionLookups, OpenedToken } from './attribution-lookups.ts';

/** AttributionLookups over the database; sends read ahead for a batch (`sends`) are answered from memory. */
export function databaseLookups(
  db: Database,
  openToken: (token: string) => OpenedToken | null,
  sends?: SendsAhead,
): AttributionLookups {
  return {
    openToken,
    clientBySlug: (slug) => clientRefBySlug(db, slug),
    clientById: (id) => clientRefById(db, id),
    campaignBySlug: (slug) => campaignRefBySlug(db, slug),
    campaignById: (id) => campaignRefById(db, id),
    clientByDomain: (domain) => clientRefByDomain(db, domain),
    campaignAt: (clientId, at) => campaignRunningAt(db, clientId, at.toISOString()),
    sendById: (id) => sends?.byId.get(id) ?? sendRefById(db, id),
    sendByMessageId: (messageId) =>
      sends?.asked.has(messageId)
        ? (sends.first.get(messageId) ?? null)
        : firstSendByMessageId(db, messageId),
  };
}
