import { ingestAcknowledgeWanted } from '../store/messages-store.ts';
import type { Acknowledger } from './acknowledger.ts';

/** The acknowledger of a backfill: the reporter of an ingested file is never written to. */
export const backfillAcknowledger: Acknowledger = ({ report, ticketId }) => ({
  kind: 'ack-skipped',
  target: report.reporter,
  scope: null,
  ticketId,
  rule: 'backfill',
  reason: 'ingested as a backfill (abusedesk ingest without --acknowledge)',
});

/**
 * The acknowledger of `serve`: mail received over SMTP goes to `acknowledge`; a message stored by `abusedesk
 * ingest` (which hands its messages to a running serve) is acknowledged only when that ingest was given
 * `--acknowledge`.
 */
export function serveAcknowledger(acknowledge: Acknowledger): Acknowledger {
  return (input) =>
    input.message.source !== 'ingest' || ingestAcknowledgeWanted(input.db, input.message.id)
      ? acknowledge(input)
      : backfillAcknowledger(input);
}
