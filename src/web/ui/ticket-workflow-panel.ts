import type { StaffSession } from '../../auth/staff-sessions.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import type { Assignable, LinkedTicket, TicketNeighbours } from '../../store/ticket-workflow-store.ts';
import type { Ticket } from '../../store/tickets-store.ts';
import { confirmFields } from './confirm-fields.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField } from './layout.ts';
import { formErrorOf, typedValue, type TicketFormError } from './ticket-workflow-form.ts';

export interface WorkflowPanelData {
  ticket: Ticket;
  /** Agents and admins a ticket can be given to. */
  staff: Assignable[];
  neighbours: TicketNeighbours;
  /** The complaint tickets linked under this incident. */
  children: LinkedTicket[];
  /** The incident this ticket is linked under. */
  parent: LinkedTicket | null;
  /** Clients and campaigns to attribute an unmatched ticket to. */
  choices: Array<{ client: string; clientName: string; campaigns: string[] }>;
  /** Complainants and bounced recipients of the ticket's reports: what "suppress this address" offers. */
  addresses: string[];
  clientStatus: string | null;
  error?: TicketFormError | undefined;
}

const statusBadge = (status: string): SafeHtml => html`<span class="status-${status}">${status}</span>`;

const linked = (t: LinkedTicket): SafeHtml =>
  html`<a href="/ui/tickets/${t.id}">${t.id}</a> ${statusBadge(t.status)} ${t.type}: ${t.subject}`;

function facts(d: WorkflowPanelData): SafeHtml {
  const t = d.ticket;
  return html`<dl class="facts workflow-facts">
<dt>owner</dt><dd class="owner">${t.assignee ?? 'unassigned'}</dd>
${t.status === 'pending' ? html`<dt>pending because</dt><dd class="pending-reason">${t.pendingReason ?? '(no reason recorded)'}</dd>` : ''}
${d.parent ? html`<dt>linked incident</dt><dd>${linked(d.parent)}</dd>` : ''}
</dl>
${
  d.children.length
    ? html`<h3>Linked tickets (${d.children.length})</h3><ul class="linked-tickets">${d.children.map((c) => html`<li>${linked(c)}</li>`)}</ul>`
    : ''
}`;
}

function nav(n: TicketNeighbours): SafeHtml {
  if (!n.prev && !n.next) return html``;
  return html`<nav class="ticket-nav" aria-label="Open tickets">
${n.prev ? html`<a rel="prev" href="/ui/tickets/${n.prev}">← previous open ticket (${n.prev})</a>` : ''}
${n.next ? html`<a rel="next" href="/ui/tickets/${n.next}">next open ticket (${n.next}) →</a>` : ''}
</nav>`;
}

function statusForms(s: StaffSession, d: WorkflowPanelData, base: string): SafeHtml {
  const t = d.ticket;
  const e = d.error;
  return html`${
    t.status !== 'resolved'
      ? html`<form method="post" action="${base}/status" data-shortcut="resolve" class="resolve">${csrfField(s)}
<input type="hidden" name="status" value="resolved">
${formErrorOf(e, 'resolve')}
<label>Note (optional) <textarea name="note" rows="2" cols="40" maxlength="10000">${typedValue(e, 'resolve', 'note')}</textarea></label>
<button type="submit">Resolve</button> <button type="submit" name="next" value="1">Resolve &amp; next</button></form>`
      : ''
  }
<form method="post" action="${base}/status" class="pending">${csrfField(s)}
<input type="hidden" name="status" value="pending">
${formErrorOf(e, 'pending')}
<label>Pending reason <input name="pending_reason" required maxlength="500" value="${typedValue(e, 'pending', 'pending_reason') || (t.status === 'pending' ? (t.pendingReason ?? '') : '')}"></label>
<button type="submit">${t.status === 'pending' ? 'Update pending reason' : 'Set pending'}</button></form>
${
  t.status !== 'open'
    ? html`<form method="post" action="${base}/status">${csrfField(s)}<input type="hidden" name="status" value="open">${formErrorOf(e, 'reopen')}<button type="submit">Reopen</button></form>`
    : ''
}`;
}

function assignForms(s: StaffSession, d: WorkflowPanelData, base: string): SafeHtml {
  const t = d.ticket;
  const me = s.user.email;
  return html`${
    t.assignee !== me
      ? html`<form method="post" action="${base}/assign">${csrfField(s)}<input type="hidden" name="assignee" value="me"><button type="submit">Assign to me</button></form>`
      : ''
  }
<form method="post" action="${base}/assign">${csrfField(s)}
${formErrorOf(d.error, 'assign')}
<label>Owner <select name="assignee">
<option value=""${t.assignee ? '' : html` selected`}>unassigned</option>
${d.staff.map((u) => html`<option value="${u.id}"${u.email === t.assignee ? html` selected` : ''}>${u.email}${u.name && u.name !== u.email ? ` (${u.name})` : ''}</option>`)}
</select></label>
<button type="submit">Set owner</button></form>`;
}

function noteForm(s: StaffSession, d: WorkflowPanelData, base: string): SafeHtml {
  return html`<form method="post" action="${base}/note">${csrfField(s)}
${formErrorOf(d.error, 'note')}
<label>Note <textarea name="text" rows="2" cols="40" required maxlength="10000">${typedValue(d.error, 'note', 'text')}</textarea></label>
<button type="submit">Add note</button></form>`;
}

function attributeForm(s: StaffSession, d: WorkflowPanelData, base: string): SafeHtml {
  const e = d.error;
  const client = typedValue(e, 'attribute', 'client');
  const campaign = typedValue(e, 'attribute', 'campaign');
  return html`<h3>Attribute to a client</h3>
<p class="hint">Ties every report of this ticket to the client (attribution method <code>staff</code>) and then takes the actions a matched report gets: the complainants are suppressed for that client, the report joins the client's incident and counts in its signals.</p>
<form method="post" action="${base}/attribute" class="attribute">${csrfField(s)}
${formErrorOf(e, 'attribute')}
<label>Client <select name="client" required>
<option value="">choose a client…</option>
${d.choices.map((c) => html`<option value="${c.client}"${c.client === client ? html` selected` : ''}>${c.client}${c.clientName && c.clientName !== c.client ? ` (${c.clientName})` : ''}</option>`)}
</select></label>
<label>Campaign (optional) <select name="campaign">
<option value="">none or unknown</option>
${d.choices
  .filter((c) => c.campaigns.length)
  .map(
    (c) =>
      html`<optgroup label="${c.client}">${c.campaigns.map((k) => html`<option value="${k}"${k === campaign ? html` selected` : ''}>${k}</option>`)}</optgroup>`,
  )}
</select></label>
<label>Why this client <input name="note" required maxlength="500" value="${typedValue(e, 'attribute', 'note')}"></label>
<button type="submit">Attribute to client</button></form>`;
}

function suppressForm(s: StaffSession, d: WorkflowPanelData, base: string): SafeHtml {
  const t = d.ticket;
  const e = d.error;
  const chosen = typedValue(e, 'suppress', 'address');
  const scope = typedValue(e, 'suppress', 'scope') || (t.client ? 'client' : 'global');
  return html`<h3>Suppress an address</h3>
<form method="post" action="${base}/suppress" class="suppress">${csrfField(s)}
${formErrorOf(e, 'suppress')}
${
  d.addresses.length
    ? html`<label>Address <select name="address">
<option value="">another address (type it)</option>
${d.addresses.map((a) => html`<option value="${a}"${a === chosen ? html` selected` : ''}>${a}</option>`)}
</select></label>`
    : ''
}
<label>${d.addresses.length ? 'Or type an address' : 'Address'} <input name="address_other" type="text" inputmode="email" maxlength="320" value="${typedValue(e, 'suppress', 'address_other')}"></label>
<label>Scope <select name="scope">
${t.client ? html`<option value="client"${scope === 'client' ? html` selected` : ''}>client ${t.client}</option>` : ''}
<option value="global"${scope === 'global' ? html` selected` : ''}>global (every client)</option>
</select></label>
<label>Note <input name="note" maxlength="2000" value="${typedValue(e, 'suppress', 'note')}"></label>
<button type="submit">Suppress this address</button></form>`;
}

function clientStatusForm(s: StaffSession, d: WorkflowPanelData, base: string): SafeHtml {
  const t = d.ticket;
  if (!t.client || d.clientStatus === 'suspended' || !roleAtLeast(s.user.role, 'admin')) return html``;
  return html`<h3>Client ${t.client}</h3>
<form method="post" action="${base}/client-status" class="client-status">${csrfField(s)}
<input type="hidden" name="status" value="suspended">
${formErrorOf(d.error, 'client-status')}
${confirmFields(`I confirm: suspend ${t.client} (its sending stops)`, typedValue(d.error, 'client-status', 'reason'))}
<button type="submit">Suspend client ${t.client}</button></form>`;
}

/**
 * The desk workflow of a ticket page: owner, pending reason, linked tickets, neighbouring open tickets, and for
 * agents the forms — resolve (with a note, or resolve and go to the next open ticket), pending with a reason,
 * reopen, assign, note, attribute an unmatched ticket, suppress an address, suspend the client (admins).
 */
export function ticketWorkflowPanel(
  s: StaffSession,
  d: WorkflowPanelData,
): { summary: SafeHtml; actions: SafeHtml } {
  const agent = roleAtLeast(s.user.role, 'agent');
  const base = `/ui/tickets/${d.ticket.id}`;
  // The summary sits under the header facts; the forms come after the conversation, which is read first.
  const summary = html`<section class="workflow" aria-label="Owner and linked tickets">
${nav(d.neighbours)}
${facts(d)}
</section>`;
  const actions = html`${
    agent
      ? html`<section class="workflow-actions" id="ticket-actions" aria-labelledby="ticket-actions-title"><h2 id="ticket-actions-title">Actions</h2>
<div class="actions">${statusForms(s, d, base)}</div>
<div class="actions">${assignForms(s, d, base)}</div>
<div class="actions">${noteForm(s, d, base)}</div>
${d.ticket.type === 'unmatched' ? html`<div class="actions">${attributeForm(s, d, base)}</div>` : ''}
<div class="actions">${suppressForm(s, d, base)}</div>
<div class="actions">${clientStatusForm(s, d, base)}</div></section>`
      : ''
  }`;
  return { summary, actions };
}
