import type { Database } from 'better-sqlite3';
import type { ReportDetail } from '../../store/report-read-model.ts';
import {
  assignableStaff,
  clientCampaignChoices,
  linkedChildTickets,
  linkedTicket,
  openNeighbours,
} from '../../store/ticket-workflow-store.ts';
import type { Ticket } from '../../store/tickets-store.ts';
import type { TicketFormError } from './ticket-workflow-form.ts';
import type { WorkflowPanelData } from './ticket-workflow-panel.ts';

/** The addresses a ticket's reports name: complainants, recovered recipients and bounced recipients, once each. */
export function ticketAddresses(reports: readonly ReportDetail[]): string[] {
  const all = reports.flatMap((r) => [
    ...r.parsed.complainants,
    ...(r.attribution?.recipient ? [r.attribution.recipient] : []),
    ...r.parsed.bounces.map((b) => b.recipient),
  ]);
  return [...new Set(all.map((a) => a.trim().toLowerCase()).filter((a) => /^[^\s@]+@[^\s@]+$/.test(a)))];
}

/** Everything the workflow panel of one ticket shows, read from the database. */
export function workflowPanelData(
  db: Database,
  ticket: Ticket,
  reports: readonly ReportDetail[],
  clientStatus: string | null,
  error?: TicketFormError,
): WorkflowPanelData {
  return {
    ticket,
    staff: assignableStaff(db),
    neighbours: openNeighbours(db, ticket.id),
    children: ticket.type === 'incident' ? linkedChildTickets(db, ticket.id) : [],
    parent: ticket.parentId ? linkedTicket(db, ticket.parentId) : null,
    choices: ticket.type === 'unmatched' ? clientCampaignChoices(db) : [],
    addresses: ticketAddresses(reports),
    clientStatus,
    error,
  };
}
