import type { OutgoingMail } from './outgoing-mail.ts';

/** What the outbox sender knows about the row it is delivering. */
export interface DeliveryContext {
  /** Outbox row id. */
  id: number;
  /** When the row was queued (names the file of the file transport, so a re-send overwrites it). */
  createdAt: Date;
  now: Date;
}

/**
 * Where outbox mail goes. `send` resolves with a short detail for the log (file path, relay reply) or
 * rejects; an error carrying a 5xx `responseCode` (RFC 5321 §4.2.1: permanent) is not retried.
 */
export interface MailTransport {
  readonly name: string;
  send(mail: OutgoingMail, context: DeliveryContext): Promise<string>;
  close?(): void;
}
