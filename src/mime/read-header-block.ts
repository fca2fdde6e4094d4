import { firstHeader, type HeaderMap } from './header-map.ts';
import { normalizeRaw } from './normalize-raw.ts';
import { parseHeaderBlock } from './parse-header-block.ts';

/** Largest header block read of any entity, in bytes (the default of the parse bound `maxHeaderBytes`). */
export const MAX_HEADER_BYTES = 256 * 1024;

/** Room past the header bound for what normalizeRaw skips ahead of the headers (an mbox line, pasted junk). */
const LEADING_SLACK = 8 * 1024;

/**
 * The top-level header block of raw message bytes, read by the same parser the MIME walk uses: line
 * endings normalised, an mbox `From ` line and leading junk skipped, values unfolded (not decoded), names
 * lower-cased. Only the head of the message is read, so a 25 MB message costs no more than a small one.
 */
export function readHeaderBlock(raw: Buffer, maxBytes = MAX_HEADER_BYTES): HeaderMap {
  return parseHeaderBlock(normalizeRaw(raw.subarray(0, maxBytes + LEADING_SLACK)), maxBytes).headers;
}

/** The first value of one top-level header field (unfolded, not decoded), or null. */
export function headerValue(raw: Buffer, name: string): string | null {
  return firstHeader(readHeaderBlock(raw), name.toLowerCase());
}
