import type { LevelThresholds, SignalAssessment } from '../../enforcement/enforcement-types.ts';
import { html, type SafeHtml } from './html.ts';

const W = 360;
const H = 34;
const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;

/**
 * One rate signal as a horizontal gauge (server-rendered SVG, presentation attributes only): the bar is the
 * measured rate, the black tick its Wilson lower bound (what policy compares), the coloured marks the watch,
 * warn and suspend thresholds. Staff see at a glance how close a client is to the next state.
 */
export function signalGauge(s: SignalAssessment, t: LevelThresholds): SafeHtml {
  const marks = (
    [
      ['watch', t.watch, '#b58900'],
      ['warn', t.warn, '#cb6d00'],
      ['suspend', t.suspend, '#a3261b'],
    ] as const
  ).filter((m) => m[1] !== null) as Array<readonly [string, number, string]>;
  const max = Math.max(...marks.map((m) => m[1] * 1.5), s.value * 1.1, 0.0001);
  const x = (v: number): number => 4 + (Math.min(v, max) / max) * (W - 8);
  const colour =
    s.level === 'active'
      ? '#2a7d3f'
      : s.level === 'watch'
        ? '#b58900'
        : s.level === 'warned'
          ? '#cb6d00'
          : '#a3261b';
  return html`<svg class="gauge" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title>${s.text}</title>
<rect x="4" y="8" width="${W - 8}" height="12" fill="#eef0f4"/>
<rect x="4" y="8" width="${(x(s.value) - 4).toFixed(1)}" height="12" fill="${s.belowMinimum ? '#9aa3b2' : colour}"/>
${s.lowerBound !== null ? html`<line x1="${x(s.lowerBound).toFixed(1)}" x2="${x(s.lowerBound).toFixed(1)}" y1="4" y2="24" stroke="#111" stroke-width="2"><title>lower bound ${pct(s.lowerBound)}</title></line>` : ''}
${marks.map(([name, v, c]) => html`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="2" y2="26" stroke="${c}" stroke-width="2" stroke-dasharray="3 2"/><text x="${x(v).toFixed(1)}" y="33" font-size="9" text-anchor="middle" fill="${c}">${name} ${pct(v)}</text>`)}
</svg>`;
}

/** The score as one stacked bar: what is left, and each factor's penalty in its own shade. */
export function scoreBar(score: number, factors: Array<{ factor: string; penalty: number }>): SafeHtml {
  const shades = ['#a3261b', '#cb6d00', '#b58900', '#7a3fb0', '#00738a', '#6b6b00'];
  let at = 4 + (score / 100) * (W - 8);
  const parts = factors.filter((f) => f.penalty > 0);
  return html`<svg class="gauge" role="img" viewBox="0 0 ${W} 22" width="${W}" height="22" xmlns="http://www.w3.org/2000/svg"><title>score ${score} of 100</title>
<rect x="4" y="4" width="${((score / 100) * (W - 8)).toFixed(1)}" height="14" fill="#2a7d3f"/>
${parts.map((f, i) => {
  const w = (f.penalty / 100) * (W - 8);
  const r = html`<rect x="${at.toFixed(1)}" y="4" width="${w.toFixed(1)}" height="14" fill="${shades[i % shades.length]}"><title>${f.factor}: −${f.penalty.toFixed(1)}</title></rect>`;
  at += w;
  return r;
})}
</svg>`;
}
