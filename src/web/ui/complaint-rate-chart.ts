import { html, type SafeHtml } from './html.ts';

export interface ChartSeries {
  campaign: string;
  /** Complaint rate (0–1) per day, same length and order as `days`; null where nothing was delivered. */
  rates: Array<number | null>;
}

const COLOURS = ['#1f5fbf', '#b35c00', '#2a7d3f', '#7a3fb0', '#a3261b', '#00738a', '#6b6b00', '#b0306a'];
const W = 720;
const H = 260;
const M = { left: 56, right: 16, top: 16, bottom: 40 };

const percent = (x: number): string => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)} %`;

/**
 * Server-rendered SVG (no script, no inline style): daily complaint rate per campaign against the policy
 * line. Presentation attributes only, so the page's `style-src 'self'` holds. A table with the same
 * numbers follows for screen readers and exact values.
 */
export function complaintRateChart(days: string[], series: ChartSeries[], policy: number): SafeHtml {
  const max =
    Math.max(policy * 2, ...series.flatMap((s) => s.rates.filter((r): r is number => r !== null))) * 1.1;
  const x = (i: number): number =>
    M.left +
    (days.length <= 1 ? (W - M.left - M.right) / 2 : (i * (W - M.left - M.right)) / (days.length - 1));
  const y = (v: number): number => H - M.bottom - (v / max) * (H - M.top - M.bottom);
  const ticks = [0, max / 4, max / 2, (3 * max) / 4, max];
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  return html`<figure>
<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">Daily complaint rate per campaign</title>
<desc id="chart-desc">Complaints per delivered message each day, one line per campaign; the dashed red line is the ${percent(policy)} policy limit.</desc>
${ticks.map((t) => html`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e3e6ec"/><text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#5b6475">${percent(t)}</text>`)}
${days.map((d, i) => (i % labelEvery === 0 ? html`<text x="${x(i).toFixed(1)}" y="${H - M.bottom + 16}" font-size="11" text-anchor="middle" fill="#5b6475">${d.slice(5)}</text>` : ''))}
<line x1="${M.left}" x2="${W - M.right}" y1="${y(policy).toFixed(1)}" y2="${y(policy).toFixed(1)}" stroke="#a3261b" stroke-width="2" stroke-dasharray="6 4"/>
<text x="${W - M.right}" y="${(y(policy) - 5).toFixed(1)}" font-size="11" text-anchor="end" fill="#a3261b">policy ${percent(policy)}</text>
${series.map((s, n) => {
  const colour = COLOURS[n % COLOURS.length]!;
  const pts = s.rates
    .map((r, i) => (r === null ? null : ([x(i), y(r), r, days[i]!] as const)))
    .filter((p) => p !== null);
  return html`<g>
<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>
${pts.map(([px, py, r, d]) => html`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${colour}"><title>${s.campaign} ${d}: ${percent(r)}</title></circle>`)}
</g>`;
})}
</svg>
<figcaption><ul class="legend">${series.map((s, n) => html`<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="${COLOURS[n % COLOURS.length]}"/></svg> ${s.campaign}</li>`)}
<li><svg width="14" height="14" aria-hidden="true"><line x1="0" x2="14" y1="7" y2="7" stroke="#a3261b" stroke-width="2" stroke-dasharray="3 2"/></svg> policy line ${percent(policy)}</li></ul></figcaption>
</figure>
<details><summary>Chart data</summary><table><thead><tr><th scope="col">Day</th>${series.map((s) => html`<th scope="col" class="num">${s.campaign}</th>`)}</tr></thead>
<tbody>${days.map((d, i) => html`<tr><th scope="row">${d}</th>${series.map((s) => html`<td class="num">${s.rates[i] === null ? '—' : percent(s.rates[i]!)}</td>`)}</tr>`)}</tbody></table></details>`;
}
