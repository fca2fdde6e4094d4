import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { TokenForm } from './vocabulary.ts';

/** One one-click unsubscribe that suppressed an address: the token it carried and how long the suppression took. */
export interface UnsubscribeRequest {
  suppressionId: number;
  address: string;
  clientId: number;
  tokenForm: TokenForm;
  token: string;
  receivedAt: Date;
  committedAt: Date;
  timeToSuppressionMs: number;
}

export function insertUnsubscribeRequest(db: Database, r: UnsubscribeRequest): void {
  prepared(
    db,
    `INSERT INTO unsubscribe_requests (suppression_id, address, client_id, token_form, token, received_at, committed_at, time_to_suppression_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.suppressionId,
    r.address,
    r.clientId,
    r.tokenForm,
    r.token,
    r.receivedAt.toISOString(),
    r.committedAt.toISOString(),
    r.timeToSuppressionMs,
  );
}
