import type { Database } from 'better-sqlite3';
import type { Decision } from '../decisions/decision.ts';
import type { HeaderMap } from '../mime/header-map.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import type { StoredMessage } from '../worker/stored-message.ts';

export interface AcknowledgeInput {
  db: Database;
  ticketId: string;
  report: ParsedReport;
  reportId: number;
  message: StoredMessage;
  /** The message's top-level header block (headers stage). */
  headers: HeaderMap;
  suppressed: boolean;
  now: Date;
}

/** An acknowledgement decision: queued, or the rule that stopped it. */
export type AckDecision = Extract<Decision, { kind: 'ack-queued' | 'ack-skipped' }>;

/** Decides and (inside the caller's transaction) queues the acknowledgement; says what it did and why. */
export type Acknowledger = (input: AcknowledgeInput) => AckDecision;
