import type { Database } from 'better-sqlite3';
import { campaignRefById, campaignRefBySlug, campaignRunningAt } from '../store/campaigns-store.ts';
import { clientRefByDomain, clientRefById, clientRefBySlug } from '../store/clients-store.ts';
import { firstSendByMessageId, sendRefById } from '../store/sends-store.ts';
import type { AttributionLookups, OpenedToken } from './attribution-lookups.ts';

/** AttributionLookups over the database. */
export function databaseLookups(
  db: Database,
  openToken: (token: string) => OpenedToken | null,
): AttributionLookups {
  return {
    openToken,
    clientBySlug: (slug) => clientRefBySlug(db, slug),
    clientById: (id) => clientRefById(db, id),
    campaignBySlug: (slug) => campaignRefBySlug(db, slug),
    campaignById: (id) => campaignRefById(db, id),
    clientByDomain: (domain) => clientRefByDomain(db, domain),
    campaignAt: (clientId, at) => campaignRunningAt(db, clientId, at.toISOString()),
    sendById: (id) => sendRefById(db, id),
    sendByMessageId: (messageId) => firstSendByMessageId(db, messageId),
  };
}
