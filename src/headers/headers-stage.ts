import { firstAddress, parseAddresses } from '../extract/parse-addresses.ts';
import { toIsoDate } from '../extract/to-iso-date.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import { firstHeader, type HeaderMap } from '../mime/header-map.ts';
import { readHeaderBlock } from '../mime/read-header-block.ts';
import type { Stage } from '../worker/stage.ts';

/** What the headers stage reads of the top-level header block. */
export interface TopHeaders {
  from: string | null;
  to: string[];
  subject: string | null;
  messageId: string | null;
  date: string | null;
}

/**
 * From, To, Subject, Message-ID and Date of the message itself (not of anything it encloses), decoding
 * RFC 2047 encoded words.
 */
export function readTopHeaders(raw: Buffer): TopHeaders {
  return topHeaders(readHeaderBlock(raw));
}

/** The same, from the top-level header block already read. */
export function topHeaders(headers: HeaderMap): TopHeaders {
  const get = (name: string): string | null => {
    const v = firstHeader(headers, name);
    return v === null ? null : decodeHeaderValue(v).trim();
  };
  const messageId = get('message-id');
  return {
    from: firstAddress(get('from')),
    to: parseAddresses(get('to')),
    subject: get('subject'),
    messageId: messageId ? (/<[^<>]+>/.exec(messageId)?.[0] ?? messageId) : null,
    date: toIsoDate(get('date')),
  };
}

export const headersStage: Stage = {
  name: 'headers',
  run(ctx) {
    // The top-level header block is read once per message, here; later stages take it from the state.
    const headerBlock = readHeaderBlock(ctx.raw);
    const headers = topHeaders(headerBlock);
    return {
      outcome: 'read',
      reason: `from ${headers.from ?? '(none)'}, subject ${JSON.stringify(headers.subject ?? '')}`,
      state: { headers, headerBlock },
    };
  },
};
