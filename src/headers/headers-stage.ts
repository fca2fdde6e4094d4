import { firstAddress, parseAddresses } from '../extract/parse-addresses.ts';
import { toIsoDate } from '../extract/to-iso-date.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import { firstHeader, type HeaderMap } from '../mime/header-map.ts';
import { readHeaderBlock } from '../mime/read-header-block.ts';
import type { ParsePool } from '../parse/parse-pool.ts';
import type { Stage, StageOutcome } from '../worker/stage.ts';

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

/** What the headers stage records and hands on, from the top-level header block. */
function headersOutcome(headerBlock: HeaderMap): StageOutcome {
  const headers = topHeaders(headerBlock);
  return {
    outcome: 'read',
    reason: `from ${headers.from ?? '(none)'}, subject ${JSON.stringify(headers.subject ?? '')}`,
    state: { headers, headerBlock },
  };
}

/**
 * headers: the top-level header block, read once per message here (later stages, actions and acknowledgements
 * included, take it from the state). With a parse pool, a thread reads it: from the store when the pool reads
 * the store (the event loop never loads the raw message), else from the bytes the event loop hands it (a
 * hostile header block takes a fraction of a second to read, which the event loop does not spend either way).
 */
export function headersStageWith(pool?: ParsePool): Stage {
  return {
    name: 'headers',
    async run(ctx) {
      if (pool?.offloads(ctx.message.size))
        return headersOutcome(await pool.headers(pool.source(ctx.message, () => ctx.raw)));
      return headersOutcome(readHeaderBlock(ctx.raw));
    },
  };
}

/** The headers stage reading in-process. */
export const headersStage: Stage = headersStageWith();
