import { html, type SafeHtml } from './html.ts';
import type { ReportDetail } from '../../store/report-read-model.ts';
import { decisionLabel, describeDecision } from '../../decisions/describe-decision.ts';

const pct = (x: number): string => `${Math.round(x * 100)} %`;

/**
 * Why each automatic decision was made, in pipeline order: the stage trail of the message (headers →
 * authenticate → classify → extract → attribute → actions → enforcement), then attribution's ladder and every action
 * decision with its reason. All of it is message-derived text, escaped by `html`.
 */
export function decisionTrail(r: ReportDetail): SafeHtml {
  const a = r.attribution;
  const auth = r.parsed.auth;
  return html`<h4>Decision trail</h4>
<ol class="trail">
${r.stages.map((s) => html`<li><span class="stage">${s.stage}</span>: ${s.outcome} — ${s.reason}</li>`)}
<li><span class="stage">why this kind</span>: <strong>${r.kind}</strong> — ${r.reason}</li>
${auth ? html`<li><span class="stage">trust</span>: ${auth.trusted ? 'trusted' : 'not trusted'} (DKIM ${auth.dkim}${auth.dkimDomains.length ? ` d=${auth.dkimDomains.join(', ')}` : ''}, SPF ${auth.spf}, DMARC ${auth.dmarc})${r.parsed.authNote ? ` — ${r.parsed.authNote}` : ''}</li>` : ''}
${
  a
    ? html`<li><span class="stage">which campaign, how sure</span>: ${a.client ? `${a.client}${a.campaign ? ` / ${a.campaign}` : ''}` : 'unmatched'} by ${a.method}, confidence ${pct(a.confidence)} — ${a.reason}
${a.hits.length > 1 ? html`<ul>${a.hits.map((h) => html`<li>${h.method} (${pct(h.confidence)}): ${h.client}${h.campaign ? ` / ${h.campaign}` : ''} — ${h.reason}</li>`)}</ul>` : ''}
${a.rejectedToken ? html`<p>A token-shaped string was found but did not open (forged, corrupted or another key).</p>` : ''}</li>`
    : html`<li><span class="stage">attribution</span>: not run yet</li>`
}
${(r.decisions ?? []).map((d) => html`<li><span class="stage">${decisionLabel(d)}</span>: ${describeDecision(d)}</li>`)}
</ol>`;
}
