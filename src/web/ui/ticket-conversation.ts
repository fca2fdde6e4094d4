import type { ConversationEntry, Delivery } from '../../answer/ticket-conversation.ts';
import type { StaffSession } from '../../auth/staff-sessions.ts';
import { decisionLabel, describeDecision } from '../../decisions/describe-decision.ts';
import { eventText } from '../../decisions/event-text.ts';
import type { ReportDetail } from '../../store/report-read-model.ts';
import type { TicketEvent } from '../../store/tickets-store.ts';
import { defangText } from './defang.ts';
import { formatCount, timeAgo, timeAt } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField } from './layout.ts';
import type { AnswerForm, ConsentEvidence, ConversationView } from './ticket-answer-data.ts';

/** Machine-report cards shown; older ones are counted (the Reports section lists them all). */
const MAX_CARDS = 30;

const LABEL: Record<ConversationEntry['kind'], string> = {
  message: 'message',
  'machine-report': 'machine report',
  acknowledgement: 'acknowledgement',
  answer: 'staff answer',
  notice: 'client notice',
  note: 'internal note',
};

function deliveryBadge(d: Delivery | null, now: Date): SafeHtml {
  if (!d) return html`<span class="badge">not in the outbox</span>`;
  const attempts = `${formatCount(d.attempts)} attempt${d.attempts === 1 ? '' : 's'}`;
  if (d.state === 'sent')
    return html`<span class="badge status-sent">sent</span> ${d.sentAt ? timeAgo(d.sentAt, now) : ''} (${attempts})`;
  if (d.state === 'failed')
    return html`<span class="badge status-failed">failed</span> after ${attempts}${d.lastError ? html`: <span class="muted">${d.lastError}</span>` : ''}`;
  return html`<span class="badge status-pending">pending</span> (${attempts}${d.lastError ? html`; last error: ${d.lastError}` : ''})`;
}

function reportLink(ticketId: string, e: ConversationEntry): SafeHtml {
  return e.reportId
    ? html` · <a href="/ui/tickets/${ticketId}?report=${e.reportId}#message">report #${e.reportId}</a>`
    : html``;
}

function entryItem(ticketId: string, e: ConversationEntry, now: Date): SafeHtml {
  if (e.kind === 'machine-report')
    return html`<li class="card machine"><span class="badge">${e.reportKind ?? 'report'}</span> ${e.text} · ${e.from} · ${timeAgo(e.at, now)}${reportLink(ticketId, e)}</li>`;
  const incoming = e.direction === 'in';
  const label = incoming && e.reportKind === 'reply' ? 'reply' : LABEL[e.kind];
  // Incoming words are the reporter's: links in them are defanged, as in the message view.
  const text = incoming ? defangText(e.text) : e.text;
  return html`<li class="bubble ${e.direction} kind-${e.kind}">
<p class="who"><strong>${e.from}</strong>${e.to ? html` → ${e.to}` : ''} · ${label} · ${timeAgo(e.at, now)}${reportLink(ticketId, e)}</p>
${e.subject ? html`<p class="subject">${e.subject}</p>` : ''}
<div class="said">${text || html`<span class="muted">(no text of their own)</span>`}</div>
${e.quoted ? html`<details class="quoted"><summary>Quoted text</summary><div class="said">${incoming ? defangText(e.quoted) : e.quoted}</div></details>` : ''}
${e.direction === 'out' ? html`<p class="delivery">Delivery: ${deliveryBadge(e.delivery, now)}</p>` : ''}
</li>`;
}

/** The conversation, oldest first: people's words as bubbles, machine reports as compact cards. */
export function conversationList(ticketId: string, v: ConversationView): SafeHtml {
  const machine = v.entries.filter((e) => e.kind === 'machine-report');
  const hidden = new Set(machine.slice(0, Math.max(0, machine.length - MAX_CARDS)));
  let counted = false;
  const items = v.entries.map((e) => {
    if (!hidden.has(e)) return entryItem(ticketId, e, v.now);
    if (counted) return html``;
    counted = true;
    return html`<li class="card machine muted">${formatCount(hidden.size)} earlier machine report(s) not shown here: see Reports below.</li>`;
  });
  return html`<h2 id="conversation">Conversation</h2>
${v.entries.length ? html`<ol class="conversation">${items}</ol>` : html`<p class="muted">Nothing yet.</p>`}`;
}

const AUDIENCE_LABEL = { reporter: 'Reply to reporter', client: 'Write to client abuse contact' } as const;

function answerForm(s: StaffSession, ticketId: string, f: AnswerForm): SafeHtml {
  const title = AUDIENCE_LABEL[f.audience];
  if (!f.target.allowed)
    return html`<div class="answer-off" id="answer-${f.audience}"><h3>${title}</h3><p class="muted">Not offered: ${f.target.reason}.</p>${f.error ? html`<p class="error" role="alert">${f.error}</p>` : ''}</div>`;
  const id = `answer-${f.audience}`;
  return html`<details class="answer" id="${id}"${f.error ? html` open` : ''}><summary>${title} (${f.target.to}, ${f.target.language})</summary>
${f.target.warning ? html`<p class="notice">${f.target.warning}</p>` : ''}
${f.error ? html`<p class="error" role="alert" id="${id}-error">${f.error}</p>` : ''}
<form method="post" action="/ui/tickets/${ticketId}/answer">${csrfField(s)}
<input type="hidden" name="audience" value="${f.audience}"><input type="hidden" name="nonce" value="${f.nonce}">
<label>To <input value="${f.target.to}" readonly></label>
<label>Subject <input name="subject" value="${f.subject}" required maxlength="250"></label>
<label>Text <textarea name="text" rows="12" required>${f.text}</textarea></label>
<button type="submit">Send to ${f.target.to}</button>
</form></details>`;
}

/** The answer forms under the conversation (agents only). */
export function answerForms(s: StaffSession, ticketId: string, v: ConversationView): SafeHtml {
  if (!v.forms.length) return html``;
  return html`<section class="answers" aria-labelledby="answers-h"><h2 id="answers-h">Answer</h2>
<p class="muted">Sent through the outbox from our abuse address; the subject keeps [${ticketId}] so answers come back into this ticket.</p>
${v.forms.map((f) => answerForm(s, ticketId, f))}
</section>`;
}

/** Consent evidence of a report's matched send: method, time, IP and source from the send log. */
export function consentText(c: ConsentEvidence | undefined): SafeHtml {
  if (!c) return html``;
  if (!c.send) return html`<span class="muted">no consent record: ${c.how}</span>`;
  const k = c.send.consent;
  if (!k)
    return html`<span class="muted">the send log has no consent data for ${c.send.recipient} (${c.how})</span>`;
  return html`<strong>${k.method}</strong>${k.date ? html` at ${timeAt(k.date)}` : ''}${k.ip ? ` from IP ${k.ip}` : ''}${k.source ? ` via ${defangText(k.source)}` : ''} <span class="muted">(${c.send.recipient}; ${c.how})</span>`;
}

interface TrailLine {
  label: string;
  text: string;
}

const pct = (x: number): string => `${Math.round(x * 100)} %`;

/** One report's decision trail as lines (the same lines decisionTrail shows for a single report). */
function trailLines(r: ReportDetail): TrailLine[] {
  const a = r.attribution;
  const auth = r.parsed.auth;
  return [
    ...r.stages.map((s) => ({ label: s.stage, text: `${s.outcome} — ${s.reason}` })),
    { label: 'why this kind', text: `${r.kind} — ${r.reason}` },
    ...(auth
      ? [
          {
            label: 'trust',
            text: `${auth.trusted ? 'trusted' : 'not trusted'} (DKIM ${auth.dkim}${auth.dkimDomains.length ? ` d=${auth.dkimDomains.join(', ')}` : ''}, SPF ${auth.spf}, DMARC ${auth.dmarc})${r.parsed.authNote ? ` — ${r.parsed.authNote}` : ''}`,
          },
        ]
      : []),
    ...(a
      ? [
          {
            label: 'which campaign, how sure',
            text: `${a.client ? `${a.client}${a.campaign ? ` / ${a.campaign}` : ''}` : 'unmatched'} by ${a.method}, confidence ${pct(a.confidence)} — ${a.reason}`,
          },
          ...a.hits.slice(a.hits.length > 1 ? 0 : 1).map((h) => ({
            label: 'ladder',
            text: `${h.method} (${pct(h.confidence)}): ${h.client}${h.campaign ? ` / ${h.campaign}` : ''} — ${h.reason}`,
          })),
          ...(a.rejectedToken
            ? [
                {
                  label: 'ladder',
                  text: 'a token-shaped string was found but did not open (forged, corrupted or another key)',
                },
              ]
            : []),
        ]
      : [{ label: 'attribution', text: 'not run yet' }]),
    ...(r.decisions ?? []).map((d) => ({ label: decisionLabel(d), text: describeDecision(d) })),
  ];
}

/**
 * The decision trail of every report of the ticket, each distinct line once, in the order first seen, with
 * how many reports repeat it (a hundred identical feedback-loop reports read as one trail).
 */
export function dedupedTrail(reports: readonly ReportDetail[]): SafeHtml {
  const lines = new Map<string, { line: TrailLine; reports: number[] }>();
  // Oldest report first, so the trail reads in the order things happened.
  for (const r of [...reports].reverse())
    for (const line of trailLines(r)) {
      const key = `${line.label}\u0000${line.text}`;
      const seen = lines.get(key);
      if (seen) {
        if (!seen.reports.includes(r.id)) seen.reports.push(r.id);
      } else lines.set(key, { line, reports: [r.id] });
    }
  const multi = reports.length > 1;
  return html`<details class="trail-box"><summary>Decision trail: ${formatCount(lines.size)} distinct step(s) from ${formatCount(reports.length)} report(s)</summary>
<ol class="trail">
${[...lines.values()].map(
  ({ line, reports: ids }) =>
    html`<li><span class="stage">${line.label}</span>: ${line.text}${multi ? html` <span class="muted">${ids.length > 1 ? `×${ids.length} reports` : `report #${ids[0]}`}</span>` : ''}</li>`,
)}
</ol></details>`;
}

/**
 * The ticket's timeline, collapsed: repeated automatic entries (the same report line, decision or mail
 * text) are shown once with a count; status changes, notes and replies are always shown each.
 */
export function dedupedTimeline(ticketId: string, events: readonly TicketEvent[]): SafeHtml {
  const groups: Array<{ e: TicketEvent; n: number; last: string }> = [];
  const byKey = new Map<string, { e: TicketEvent; n: number; last: string }>();
  for (const e of events) {
    const repeatable =
      e.type === 'report' || e.type === 'action' || (e.type === 'mail' && e.actor === 'system');
    const key = `${e.type}\u0000${e.actor}\u0000${eventText(e)}`;
    const g = repeatable ? byKey.get(key) : undefined;
    if (g) {
      g.n++;
      g.last = e.at;
      continue;
    }
    const fresh = { e, n: 1, last: e.at };
    groups.push(fresh);
    if (repeatable) byKey.set(key, fresh);
  }
  return html`<details class="timeline-box"><summary>Timeline: ${formatCount(events.length)} event(s)</summary>
<ol class="timeline">
${groups.map(
  ({ e, n, last }) =>
    html`<li>${timeAt(e.at)} <span class="badge">${e.type}</span> ${e.actor === 'system' ? '' : html`<strong>${e.actor}</strong>: `}${eventText(e)}${e.reportId ? html` <a href="/ui/tickets/${ticketId}?report=${e.reportId}#message">report #${e.reportId}</a>` : ''}${n > 1 ? html` <span class="muted">×${formatCount(n)}, last ${timeAt(last)}</span>` : ''}</li>`,
)}
</ol></details>`;
}
