/** Plain JSON accessors and a bounded search for the JSON values a mail body carries. */

export type Json = Record<string, unknown>;

export const obj = (v: unknown): Json | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A number, or a string that is one (SparkPost sends numbers as strings). */
export const num = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(v)) return Number(v);
  return null;
};
/** A string field, trimmed, or null when absent or empty. */
export const text = (v: unknown): string | null => {
  const s = typeof v === 'number' ? String(v) : str(v);
  return s === null || s.trim() === '' ? null : s.trim();
};

/** Longest text searched for JSON: the message facts cap each text at 64 KiB already. */
const MAX_TEXT = 256 * 1024;
/** Most JSON values taken from one text, and most openings tried (prose has brackets too). */
const MAX_VALUES = 4;
const MAX_ATTEMPTS = 32;

/**
 * The JSON objects and arrays in a text, in order: each starts at a `{` or `[` and ends at its matching
 * bracket (strings and escapes respected), and must parse. Text around them (the SNS unsubscribe footer,
 * a greeting) is ignored. Bounded: a few values, a few failed openings, one pass per opening.
 */
export function jsonValues(input: string): unknown[] {
  const s = input.length > MAX_TEXT ? input.slice(0, MAX_TEXT) : input;
  const out: unknown[] = [];
  let from = 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && out.length < MAX_VALUES; attempt++) {
    const start = nextOpening(s, from);
    if (start < 0) break;
    const end = matchingClose(s, start);
    if (end < 0) {
      from = start + 1;
      continue;
    }
    try {
      out.push(JSON.parse(s.slice(start, end + 1)));
      from = end + 1;
    } catch {
      from = start + 1;
    }
  }
  return out;
}

function nextOpening(s: string, from: number): number {
  const a = s.indexOf('{', from);
  const b = s.indexOf('[', from);
  if (a < 0) return b;
  if (b < 0) return a;
  return Math.min(a, b);
}

/** Index of the bracket closing the one at `start`, or -1. Bracket kinds are not checked: JSON.parse does that. */
function matchingClose(s: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
