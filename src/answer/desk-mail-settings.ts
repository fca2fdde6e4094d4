import type { Config } from '../config/config-schema.ts';
import type { ClientStatus } from '../store/vocabulary.ts';

/** What staff answers and client notices need from config: who writes, what is ours, and which notices are on. */
export interface DeskMailSettings {
  /** From of every mail the desk writes (`outbox.from`, one of the accepted mailboxes: answers thread back). */
  from: { name: string; address: string };
  /** Our own mailboxes (every accepted local part at every accepted domain, and outbox.from): never written to. */
  ourAddresses: string[];
  ourDomains: string[];
  /** `outbox.ackRequireAuthentication`: write only to reporters whose domain authenticated their mail. */
  requireAuthentication: boolean;
  /** `desk.clientNotices`: which status changes mail the client's abuse contact. */
  clientNotices: Record<ClientStatus, boolean>;
}

export function deskMailSettings(config: Pick<Config, 'smtp' | 'outbox' | 'desk'>): DeskMailSettings {
  const ourAddresses = config.smtp.domains.flatMap((d) =>
    config.smtp.mailboxes.map((m) => `${m}@${d}`.toLowerCase()),
  );
  ourAddresses.push(config.outbox.from.toLowerCase());
  return {
    from: { name: config.outbox.fromName, address: config.outbox.from },
    ourAddresses,
    ourDomains: config.smtp.domains,
    requireAuthentication: config.outbox.ackRequireAuthentication,
    clientNotices: { ...config.desk.clientNotices },
  };
}
