import type { HeaderMap } from './header-map.ts';

// RFC 5322 §2.2: a field name is printable US-ASCII except colon. Lenient: allow a space before the colon.
const FIELD_START = /^([!-9;-~]+)[ \t]*:/;

export interface HeaderBlockResult {
  headers: HeaderMap;
  /** Offset in the input where the body starts (after the blank line), or the input length. */
  bodyStart: number;
  /** The raw header block text (LF line endings). */
  raw: string;
  /** True when the header block was cut at maxBytes. */
  truncated: boolean;
}

/**
 * Parses the header block at the start of `text` (LF line endings, a "binary" latin1 string).
 * Stops at the first empty line, or at the first line that is neither a field nor a continuation
 * (that line then starts the body: real reports have malformed, header-less parts).
 */
export function parseHeaderBlock(text: string, maxBytes: number): HeaderBlockResult {
  const headers: HeaderMap = new Map();
  let pos = 0;
  let name: string | null = null;
  let value = '';
  let truncated = false;
  const flush = (): void => {
    if (name === null) return;
    const list = headers.get(name);
    const v = value.trim();
    if (list) list.push(v);
    else headers.set(name, [v]);
    name = null;
  };
  while (pos < text.length) {
    if (pos > maxBytes) {
      truncated = true;
      break;
    }
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    if (line.length === 0) {
      flush();
      return { headers, bodyStart: Math.min(end + 1, text.length), raw: text.slice(0, pos), truncated };
    }
    const c = line.charCodeAt(0);
    if ((c === 32 || c === 9) && name !== null) {
      value += ` ${line.trim()}`;
    } else {
      const m = FIELD_START.exec(line);
      if (!m) {
        flush();
        return { headers, bodyStart: pos, raw: text.slice(0, pos), truncated };
      }
      flush();
      name = m[1]!.toLowerCase();
      value = line.slice(m[0].length);
    }
    pos = end + 1;
  }
  flush();
  return {
    headers,
    bodyStart: Math.min(pos, text.length),
    raw: text.slice(0, Math.min(pos, text.length)),
    truncated,
  };
}
