import { parseAddresses } from '../extract/parse-addresses.ts';
import type { MessageFacts } from '../report/message-facts.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import { firstHeader } from '../mime/header-map.ts';
import type { Finding } from '../report/finding.ts';

// Subjects a List-Unsubscribe mailto (RFC 2369 §3.2) produces: mail clients send "unsubscribe" or the
// sender's own `?subject=` token. Several languages, because users type them too.
const UNSUBSCRIBE_SUBJECT =
  /^\s*(?:unsubscribe|unsub|opt[ -]?out|remove|désinscription|désabonnement|se désabonner|abmelden|abbestellen|austragen|disiscrivi|cancella(?:re)? iscrizione|darse de baja|baja|dezabonare|dezabonează)\b/i;

/**
 * An unsubscribe request: mail to an unsubscribe mailbox (envelope recipient or To local part, +tag
 * allowed), or mail that is what a List-Unsubscribe mailto sends (unsubscribe subject, tiny body).
 */
export function detectUnsubscribe(
  facts: MessageFacts,
  rcptTo: string[],
  mailboxes: string[],
): Finding | null {
  const boxes = new Set(mailboxes.map((m) => m.toLowerCase()));
  const localBase = (a: string): string => a.slice(0, a.lastIndexOf('@')).split('+')[0]!.toLowerCase();
  const envelopeHit = rcptTo.flatMap((r) => parseAddresses(r)).find((a) => boxes.has(localBase(a)));
  const toHit = envelopeHit
    ? undefined
    : parseAddresses(decodeHeaderValue(firstHeader(facts.headers, 'to') ?? '')).find((a) =>
        boxes.has(localBase(a)),
      );
  const reporter = facts.reporter;
  const complainants = reporter ? [reporter] : [];
  if (envelopeHit || toHit) {
    return {
      kind: 'unsubscribe',
      reason: `sent to the unsubscribe mailbox ${envelopeHit ?? toHit} (${envelopeHit ? 'envelope' : 'To'})`,
      reporter,
      complainants,
    };
  }
  const body = facts.bodyText.trim();
  if (UNSUBSCRIBE_SUBJECT.test(facts.subject) && facts.enclosed.length === 0 && body.length < 600) {
    return {
      kind: 'unsubscribe',
      reason: `List-Unsubscribe mailto request (Subject: ${facts.subject.trim().slice(0, 80)})`,
      reporter,
      complainants,
    };
  }
  return null;
}
