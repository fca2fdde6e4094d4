import type { Database } from 'better-sqlite3';
import type { ParsedReport } from '../parse/parsed-report.ts';
import type { StoredMessage } from '../worker/stored-message.ts';

export interface AcknowledgeInput {
  db: Database;
  ticketId: string;
  report: ParsedReport;
  reportId: number;
  message: StoredMessage;
  raw: Buffer;
  suppressed: boolean;
  now: Date;
}

/** Decides and (inside the caller's transaction) queues the acknowledgement; says what it did and why. */
export type Acknowledger = (input: AcknowledgeInput) => { sent: boolean; text: string; data?: unknown };
