import { msgIdOf } from './header-safe.ts';

/** Most References kept: the thread root and the latest ones (RFC 5322 §3.6.4 sets no limit, MTAs do). */
const MAX_REFERENCES = 10;

/**
 * In-Reply-To and References (RFC 5322 §3.6.4) of a mail answering an inbound message: its Message-ID, and
 * its References followed by that Message-ID. Only well-formed msg-ids are kept from the inbound values,
 * each once, never the text around them.
 */
export function replyThreading(
  inboundMessageId: string | null,
  inboundReferences: readonly string[],
): { inReplyTo: string | null; references: string[] } {
  const inReplyTo = msgIdOf(inboundMessageId);
  const refs = [
    ...new Set([
      ...inboundReferences.flatMap((r) =>
        [...r.matchAll(/<[^<>\s@]+@[^<>\s@]+>/g)].map((m) => msgIdOf(m[0])!),
      ),
      ...(inReplyTo ? [inReplyTo] : []),
    ]),
  ];
  const references = refs.length > MAX_REFERENCES ? [refs[0]!, ...refs.slice(-(MAX_REFERENCES - 1))] : refs;
  return { inReplyTo, references };
}
