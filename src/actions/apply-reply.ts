import type { Decision } from '../decisions/decision.ts';
import {
  addTicketEvent,
  createTicket,
  getTicket,
  recordReportOnTicket,
  setTicketStatus,
} from '../store/tickets-store.ts';
import { reportSummary, type ApplyContext } from './apply-context.ts';

/** A reply lands on the ticket it names (reopened if needed); naming a ticket that does not exist opens one for triage. */
export function applyReply(c: ApplyContext, replyTo: string): { decisions: Decision[]; ticketId: string } {
  const t = getTicket(c.db, replyTo);
  const from = c.report.reporter ?? c.message.mailFrom;
  if (!t) {
    const ticketId = createTicket(c.db, {
      type: 'other',
      subject: `Reply naming unknown ticket ${replyTo}`,
      reporter: c.report.reporter,
      now: c.now,
    });
    recordReportOnTicket(c.db, ticketId, {
      reportId: c.reportId,
      text: reportSummary(c.report),
      flags: [],
      now: c.now,
    });
    const reason = `ticket ${replyTo} does not exist: opened for triage`;
    return {
      ticketId,
      decisions: [
        {
          kind: 'open-ticket',
          target: ticketId,
          scope: null,
          rule: 'reply-unknown-ticket',
          reason,
          ticketType: 'other',
          parentId: null,
        },
      ],
    };
  }
  addTicketEvent(c.db, t.id, {
    type: 'reply',
    text: `reply from ${from}: ${c.subject ?? ''}`,
    reportId: c.reportId,
    now: c.now,
  });
  const decisions: Decision[] = [
    {
      kind: 'append-ticket',
      target: t.id,
      scope: null,
      rule: 'reply-names-ticket',
      reason: `reply from ${from}`,
      change: 'reply',
    },
  ];
  if (t.status !== 'open') {
    setTicketStatus(c.db, t.id, 'open', { actor: 'system', note: 'the reporter replied', now: c.now });
    decisions.push({
      kind: 'reopen-ticket',
      target: t.id,
      scope: null,
      rule: 'reply-reopens',
      reason: 'the reporter replied',
    });
  }
  return { ticketId: t.id, decisions };
}
