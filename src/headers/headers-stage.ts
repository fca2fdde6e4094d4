import { firstAddress, parseAddresses } from '../extract/parse-addresses.ts';
import { toIsoDate } from '../extract/to-iso-date.ts';
import { decodeHeaderValue } from '../parse/mime/decode-header-value.ts';
import { firstHeader } from '../parse/mime/header-map.ts';
import { parseHeaderBlock } from '../parse/mime/parse-header-block.ts';
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
 * Reads From, To, Subject, Message-ID and Date of the message itself (not of anything it encloses),
 * decoding RFC 2047 encoded words. Only the header block is read (at most 256 KB), so a 25 MB message
 * costs no more than a small one.
 */
export function readTopHeaders(raw: Buffer): TopHeaders {
  const head = raw.subarray(0, 256 * 1024).toString('latin1').replace(/\r\n?/g, '\n');
  const { headers } = parseHeaderBlock(head, 256 * 1024);
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
    const headers = readTopHeaders(ctx.raw);
    return { outcome: 'read', reason: `from ${headers.from ?? '(none)'}, subject ${JSON.stringify(headers.subject ?? '')}`, state: { headers } };
  },
};
