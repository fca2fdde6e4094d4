import type { Database } from 'better-sqlite3';
import type { Attribution } from '../attribute/attribution.ts';
import type { HeaderMap } from '../mime/header-map.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import type { SendsAhead } from '../store/sends-store.ts';
import type { KnownSuppressions } from '../store/suppressions-store.ts';
import type { BatchTickets } from './batch-tickets.ts';
import type { StoredMessage } from '../worker/stored-message.ts';

/** What every applier of the actions stage works on: one attributed report, inside its message's savepoint. */
export interface ApplyContext {
  db: Database;
  reportId: number;
  report: ParsedReport;
  attribution: Attribution;
  message: StoredMessage;
  /** The message's top-level header block (headers stage). */
  headerBlock: HeaderMap;
  /** The message's own Subject (headers stage). */
  subject: string | null;
  now: Date;
  /** The sends of the report's batch, read ahead (the pipeline); without them a send is read when needed. */
  sends?: SendsAhead;
  /** Whether an address is a listed spam trap (the pipeline reads the list once a batch); default: ask the database. */
  isTrap?: (address: string) => boolean;
  /** The tickets of the report's batch (the pipeline); without them each report is counted on its ticket at once. */
  tickets?: BatchTickets | undefined;
  /** The suppressions of the batch's addresses, read ahead (the pipeline); without them each is looked up. */
  suppressions?: KnownSuppressions | undefined;
}

/** `acme / spring-sale`, or `unmatched`. */
export const clientAndCampaign = (a: Attribution): string =>
  a.client ? `${a.client}${a.campaign ? ` / ${a.campaign}` : ''}` : 'unmatched';

/** The line a report gets on a ticket's timeline. */
export function reportSummary(r: ParsedReport): string {
  return `${r.kind}${r.feedbackType && r.kind === 'fbl' ? ` (${r.feedbackType})` : ''}${r.provider ? ` from ${r.provider}` : ''}${r.reporter ? ` reported by ${r.reporter}` : ''}: ${r.reason}`;
}
