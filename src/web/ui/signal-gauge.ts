import { formatPercent } from '../../enforcement/assess-client.ts';
import type { LevelThresholds, SignalAssessment } from '../../enforcement/enforcement-types.ts';
import { html, type SafeHtml } from './html.ts';

const MARKS = [
  ['watch', '#b58900'],
  ['warn', '#cb6d00'],
  ['suspend', '#a3261b'],
] as const;

const LEVEL_COLOUR: Record<SignalAssessment['level'], string> = {
  active: '#2a7d3f',
  watch: '#b58900',
  warned: '#cb6d00',
  suspended: '#a3261b',
};

/** A position on the gauge as an SVG percentage (the SVG has no viewBox, so it stretches without scaling). */
const at = (v: number, max: number): string => `${((Math.min(v, max) / max) * 100).toFixed(2)}%`;

/**
 * One rate signal as a horizontal gauge: the bar is the measured rate, the black tick its Wilson lower bound
 * (what policy compares), the dashed marks the watch, warn and suspend thresholds. The SVG only draws; every
 * number is HTML text under it, so labels keep the page's font size at any width.
 */
export function signalGauge(s: SignalAssessment, t: LevelThresholds): SafeHtml {
  const marks: Array<readonly [string, number, string]> = [];
  for (const [name, colour] of MARKS) {
    const v = t[name];
    if (v !== null) marks.push([name, v, colour]);
  }
  const max = Math.max(...marks.map((m) => m[1] * 1.5), s.value * 1.1, 0.0001);
  return html`<div class="gauge-wrap"><svg class="gauge" role="img" xmlns="http://www.w3.org/2000/svg"><title>${s.text}</title>
<rect x="0" y="6" width="100%" height="12" fill="#eef0f4"/>
<rect x="0" y="6" width="${at(s.value, max)}" height="12" fill="${s.belowMinimum ? '#9aa3b2' : LEVEL_COLOUR[s.level]}"/>
${s.lowerBound !== null ? html`<line x1="${at(s.lowerBound, max)}" x2="${at(s.lowerBound, max)}" y1="2" y2="22" stroke="#111" stroke-width="2"/>` : ''}
${marks.map(([, v, c]) => html`<line x1="${at(v, max)}" x2="${at(v, max)}" y1="0" y2="24" stroke="${c}" stroke-width="2" stroke-dasharray="3 2"/>`)}
</svg>
<ul class="gauge-marks"><li>measured <strong data-gauge-value="${s.value}">${formatPercent(s.value)}</strong></li>${s.lowerBound !== null ? html`<li>lower bound ${formatPercent(s.lowerBound)}</li>` : ''}${marks.map(([name, v]) => html`<li class="mark-${name}">${name} ${formatPercent(v)}</li>`)}</ul></div>`;
}

/** The score as one stacked bar: what is left, and each factor's penalty in its own shade. */
export function scoreBar(score: number, factors: Array<{ factor: string; penalty: number }>): SafeHtml {
  const shades = ['#a3261b', '#cb6d00', '#b58900', '#7a3fb0', '#00738a', '#6b6b00'];
  let from = score;
  const parts = factors.filter((f) => f.penalty > 0);
  return html`<svg class="score" role="img" xmlns="http://www.w3.org/2000/svg"><title>score ${score} of 100</title>
<rect x="0" y="2" width="100%" height="16" fill="#eef0f4"/>
<rect x="0" y="2" width="${score.toFixed(1)}%" height="16" fill="#2a7d3f"/>
${parts.map((f, i) => {
  const r = html`<rect x="${from.toFixed(1)}%" y="2" width="${Math.max(0, Math.min(f.penalty, 100 - from)).toFixed(1)}%" height="16" fill="${shades[i % shades.length]}"><title>${f.factor}: −${f.penalty.toFixed(1)}</title></rect>`;
  from += f.penalty;
  return r;
})}
</svg>`;
}
