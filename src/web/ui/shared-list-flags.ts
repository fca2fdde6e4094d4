import type { SharedListFlag } from '../../store/shared-lists-store.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * Complainants and traps also reported against other clients, with the evidence (which clients, when, which
 * reports): a possible shared, rented or bought list. Shown to staff; nothing acts on it automatically.
 */
export function sharedListSection(flags: readonly SharedListFlag[], days: number): SafeHtml | string {
  if (flags.length === 0) return '';
  return html`<section class="shared-lists" aria-labelledby="shared-lists"><h2 id="shared-lists">Possible shared, rented or bought list</h2>
<p class="muted">${flags.length} ${flags.length === 1 ? 'address was' : 'addresses were'} reported against more than one client in the last ${days} days. A signal for staff: nothing acts on it automatically.</p>
<table><thead><tr><th scope="col">Address</th><th scope="col">Clients, when, reports</th></tr></thead>
<tbody>${flags.map(
    (
      f,
    ) => html`<tr><th scope="row">${f.address}${f.trap ? html` <span class="badge status-suspended">spam trap</span>` : ''}</th>
<td><ul>${f.clients.map(
      (c) =>
        html`<li><a href="/ui/clients/${c.client}">${c.client}</a> ${c.first.slice(0, 10)}${c.last.slice(0, 10) === c.first.slice(0, 10) ? '' : html` … ${c.last.slice(0, 10)}`}: ${c.reports.map(
          (r) =>
            html`${r.reportId === null ? html`${r.signal}` : html`<a href="/ui/reports/${r.reportId}">#${r.reportId}</a>`} <span class="muted">(${r.signal}${r.counted ? '' : ', not counted'})</span> `,
        )}</li>`,
    )}</ul></td></tr>`,
  )}</tbody></table></section>`;
}
