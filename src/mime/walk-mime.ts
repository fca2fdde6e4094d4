import libmime from 'libmime';
import { decodeTransfer } from './decode-transfer.ts';
import { firstHeader } from './header-map.ts';
import { HEADERS_ONLY_TYPES, MESSAGE_TYPES, type MimePart } from './mime-part.ts';
import { parseHeaderBlock } from './parse-header-block.ts';
import type { WalkState } from './walk-limits.ts';

/**
 * Parses one entity (a message or a body part) from LF-normalised latin1 text and walks into
 * multiparts and enclosed messages, within the bounds in `state`. Never throws on malformed input:
 * a bound that is hit is recorded in `state.exceeded` and the walk stops descending.
 */
export function walkMime(text: string, state: WalkState, depth = 0, defaultType = 'text/plain'): MimePart {
  state.parts++;
  const block = parseHeaderBlock(text, state.limits.maxHeaderBytes);
  if (block.truncated) exceed(state, `header block larger than ${state.limits.maxHeaderBytes} bytes`);
  const ct = parseContentType(firstHeader(block.headers, 'content-type'), defaultType);
  const part: MimePart = {
    headers: block.headers,
    rawHeaders: block.raw,
    type: ct.type,
    params: ct.params,
    body: block.truncated ? '' : text.slice(block.bodyStart),
    children: [],
    depth,
    headersOnly: false,
  };
  if (state.exceeded) return part;
  const canDescend = (): boolean => {
    if (depth + 1 > state.limits.maxDepth) exceed(state, `MIME nesting deeper than ${state.limits.maxDepth}`);
    else if (state.parts >= state.limits.maxParts)
      exceed(state, `more than ${state.limits.maxParts} MIME parts`);
    else if (performance.now() > state.limits.deadline) exceed(state, 'parse time limit exceeded');
    return state.exceeded === null;
  };
  if (part.type.startsWith('multipart/')) {
    const boundary = part.params.boundary;
    if (!boundary) return part;
    const childDefault = part.type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    for (const chunk of splitMultipart(part.body, boundary)) {
      if (!canDescend()) break;
      part.children.push(walkMime(chunk, state, depth + 1, childDefault));
    }
  } else if (MESSAGE_TYPES.has(part.type) || HEADERS_ONLY_TYPES.has(part.type)) {
    if (!canDescend()) return part;
    const inner = decodeTransfer(part.body, firstHeader(part.headers, 'content-transfer-encoding')).replace(
      /^\s*\n/,
      '',
    );
    const child = walkMime(inner, state, depth + 1);
    child.headersOnly = HEADERS_ONLY_TYPES.has(part.type);
    part.children.push(child);
  }
  return part;
}

function exceed(state: WalkState, reason: string): void {
  state.exceeded ??= reason;
}

function parseContentType(
  raw: string | null,
  defaultType: string,
): { type: string; params: Record<string, string> } {
  if (!raw) return { type: defaultType, params: {} };
  try {
    const parsed = libmime.parseHeaderValue(raw);
    const type = parsed.value.trim().toLowerCase();
    // RFC 2045 §5.2: a syntactically invalid Content-Type is treated as the default.
    return { type: type.includes('/') ? type : defaultType, params: parsed.params };
  } catch {
    return { type: defaultType, params: {} };
  }
}

/** The body parts between `--boundary` delimiter lines (RFC 2046 §5.1.1); preamble and epilogue dropped. */
export function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `\n--${boundary}`;
  const text = `\n${body}`;
  const chunks: string[] = [];
  let start = -1;
  let pos = text.indexOf(delimiter);
  while (pos >= 0) {
    const after = pos + delimiter.length;
    const lineEnd = text.indexOf('\n', after);
    const rest = text.slice(after, lineEnd < 0 ? text.length : lineEnd);
    // A line that merely starts with the delimiter but continues with other text is not a delimiter.
    const closing = rest.startsWith('--');
    if (closing || rest.trim() === '') {
      if (start >= 0) chunks.push(text.slice(start, pos));
      if (closing || lineEnd < 0) return chunks;
      start = lineEnd + 1;
    }
    pos = text.indexOf(delimiter, after);
  }
  // No closing delimiter: the last part runs to the end (common in truncated reports).
  if (start >= 0 && start <= text.length) chunks.push(text.slice(start));
  return chunks;
}
