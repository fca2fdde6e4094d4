import { formatPercent } from '../../enforcement/assess-client.ts';
import type { RateSeries } from './complaint-rate-series.ts';
import { html, type SafeHtml } from './html.ts';

export type { RateSeries } from './complaint-rate-series.ts';

const TOTAL_COLOUR = '#1d2330';
const COLOURS = ['#1f5fbf', '#b35c00', '#2a7d3f', '#7a3fb0', '#00738a', '#6b6b00', '#b0306a'];
const W = 720;
const H = 280;
const M = { left: 72, right: 16, top: 24, bottom: 44 };
// User units: the chart is never drawn narrower than 640 px (app.css), so 14 stays ≥ 12 px on screen.
const FONT = 14;

const colourOf = (s: RateSeries, n: number): string =>
  s.total ? TOTAL_COLOUR : COLOURS[(n - 1 + COLOURS.length) % COLOURS.length]!;

/**
 * Server-rendered SVG (no script, no inline style): the complaint rate over the enforcement window, one line
 * for the client and one per campaign, against the policy line. Presentation attributes only, so the page's
 * `style-src 'self'` holds. A table with the same numbers follows for screen readers and exact values.
 */
export function complaintRateChart(days: string[], series: RateSeries[], policy: number): SafeHtml {
  const max =
    Math.max(policy * 2, ...series.flatMap((s) => s.rates.filter((r): r is number => r !== null))) * 1.1;
  const x = (i: number): number =>
    M.left +
    (days.length <= 1 ? (W - M.left - M.right) / 2 : (i * (W - M.left - M.right)) / (days.length - 1));
  const y = (v: number): number => H - M.bottom - (v / max) * (H - M.top - M.bottom);
  const ticks = [0, max / 4, max / 2, (3 * max) / 4, max];
  const labelEvery = Math.max(1, Math.ceil(days.length / 6));
  return html`<figure class="chart-figure">
<div class="chart-scroll" tabindex="0" role="group" aria-label="Complaint-rate chart (scrolls sideways on narrow screens)">
<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">Complaint rate over the enforcement window</title>
<desc id="chart-desc">The complaint rate at the end of each day of the window, for the client (dark line) and each campaign with complaints; the dashed red line is the ${formatPercent(policy)} suspend threshold.</desc>
${ticks.map((t) => html`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e3e6ec"/><text x="${M.left - 6}" y="${(y(t) + 5).toFixed(1)}" font-size="${FONT}" text-anchor="end" fill="#4a5263">${formatPercent(t)}</text>`)}
${days.map((d, i) => (i % labelEvery === 0 || i === days.length - 1 ? html`<text x="${x(i).toFixed(1)}" y="${H - M.bottom + 20}" font-size="${FONT}" text-anchor="${i === 0 && days.length > 1 ? 'start' : i === days.length - 1 && days.length > 1 ? 'end' : 'middle'}" fill="#4a5263">${d.slice(5)}</text>` : ''))}
<line x1="${M.left}" x2="${W - M.right}" y1="${y(policy).toFixed(1)}" y2="${y(policy).toFixed(1)}" stroke="#a3261b" stroke-width="2" stroke-dasharray="6 4"/>
<text x="${W - M.right}" y="${(y(policy) - 6).toFixed(1)}" font-size="${FONT}" text-anchor="end" fill="#a3261b">suspend ${formatPercent(policy)}</text>
${series.map((s, n) => {
  const colour = colourOf(s, n);
  const pts = s.rates
    .map((r, i) => (r === null ? null : ([x(i), y(r), r, days[i]!] as const)))
    .filter((p) => p !== null);
  return html`<g data-series="${s.label}">
<polyline fill="none" stroke="${colour}" stroke-width="${s.total ? 3 : 2}" points="${pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>
${pts.map(([px, py, r, d]) => html`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="${s.total ? 4 : 3}" fill="${colour}" data-day="${d}" data-rate="${r}"><title>${s.label} ${d}: ${formatPercent(r)}</title></circle>`)}
</g>`;
})}
</svg></div>
<figcaption><ul class="legend">${series.map((s, n) => html`<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="${colourOf(s, n)}"/></svg> ${s.label}</li>`)}
<li><svg width="14" height="14" aria-hidden="true"><line x1="0" x2="14" y1="7" y2="7" stroke="#a3261b" stroke-width="2" stroke-dasharray="3 2"/></svg> suspend threshold ${formatPercent(policy)}</li></ul></figcaption>
</figure>
<details><summary>Chart data</summary><div class="table-scroll"><table><thead><tr><th scope="col">Day (end of)</th>${series.map((s) => html`<th scope="col" class="num">${s.label}</th>`)}</tr></thead>
<tbody>${days.map((d, i) => html`<tr><th scope="row">${d}</th>${series.map((s) => html`<td class="num">${s.rates[i] === null ? '—' : formatPercent(s.rates[i]!)}</td>`)}</tr>`)}</tbody></table></div></details>`;
}
