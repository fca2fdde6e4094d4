import type { OriginalMessage } from '../report/parsed-report.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import { lastHeader } from '../mime/header-map.ts';
import { parseAddresses } from './parse-addresses.ts';
import type { ReportedOriginal } from '../report/reported-original.ts';
import { toIsoDate } from './to-iso-date.ts';

/**
 * The reported message's identity. Fields come from the original's own header block, never the
 * wrapper's (the "last Message-ID" rule: the reported message's id is the last one in the report);
 * within the block the last occurrence wins, since relays prepend trace fields.
 */
export function extractOriginal(o: ReportedOriginal): OriginalMessage {
  const get = (name: string): string | null => {
    const v = lastHeader(o.headers, name);
    return v === null ? null : decodeHeaderValue(v).trim();
  };
  const messageId = get('message-id');
  const id = messageId ? (/<[^<>]+>/.exec(messageId)?.[0] ?? `<${messageId.replace(/^<|>$/g, '')}>`) : null;
  return {
    messageId: id,
    from: get('from'),
    to: parseAddresses(get('to')),
    subject: get('subject'),
    date: toIsoDate(get('date')) ?? get('date'),
    returnPath: get('return-path'),
    headersOnly: o.headersOnly || (o.bodyText === '' && o.html === ''),
  };
}
