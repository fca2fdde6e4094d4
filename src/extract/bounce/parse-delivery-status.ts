/** One per-recipient field group of a message/delivery-status body (RFC 3464 §2.3). */
export interface DeliveryStatusRecipient {
  originalRecipient: string | null;
  finalRecipient: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
  remoteMta: string | null;
}

/** Generous bound: a DSN with more recipient groups than this is treated as truncated, not read in full. */
const MAX_RECIPIENTS = 500;
const FIELD = /^([A-Za-z][A-Za-z0-9-]*)\s*:\s?(.*)$/;

/**
 * Strips the address-type ("rfc822;", "utf-8;" RFC 6533) and angle brackets of a recipient field.
 * RFC 3464 §2.3.1 / §2.3.2: `address-type ";" generic-address`.
 */
function recipientAddress(value: string): string | null {
  const semicolon = value.indexOf(';');
  const address = (semicolon >= 0 ? value.slice(semicolon + 1) : value)
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .trim();
  return address === '' ? null : address;
}

/** Drops the diagnostic-type ("smtp;", "X-Postfix;") of Diagnostic-Code (RFC 3464 §2.3.6). */
function typedText(value: string): string {
  const match = /^\s*[A-Za-z][\w-]*\s*;\s*/.exec(value);
  return (match === null ? value : value.slice(match[0].length)).trim();
}

function emptyRecipient(): DeliveryStatusRecipient {
  return {
    originalRecipient: null,
    finalRecipient: null,
    action: null,
    status: null,
    diagnostic: null,
    remoteMta: null,
  };
}

/**
 * Reads the per-recipient groups of a delivery-status body. Tolerant of real-world damage: folded fields
 * are unfolded (RFC 5322 §2.2.3), and a recipient group that is not separated by a blank line is split where
 * a second Final-Recipient (or an Original-Recipient after a Final-Recipient) starts.
 */
export function parseDeliveryStatus(text: string): DeliveryStatusRecipient[] {
  const recipients: DeliveryStatusRecipient[] = [];
  let current = emptyRecipient();
  let last: { name: string; value: string } | null = null;

  const flushField = (): void => {
    if (last === null) return;
    // Bounded: a real field is a line or two; a hostile one must not slow everything after it.
    const value = last.value.slice(0, 4000).replace(/\s+/g, ' ').trim();
    switch (last.name) {
      case 'original-recipient':
        current.originalRecipient = recipientAddress(value);
        break;
      case 'final-recipient':
        current.finalRecipient = recipientAddress(value);
        break;
      case 'action':
        current.action = value.toLowerCase().split(/[\s(]/)[0] ?? null;
        break;
      case 'status':
        current.status = value;
        break;
      case 'diagnostic-code':
        current.diagnostic = typedText(value);
        break;
      case 'remote-mta':
        current.remoteMta = typedText(value);
        break;
      default:
        break;
    }
    last = null;
  };
  const flushRecipient = (): void => {
    flushField();
    if (current.finalRecipient !== null || current.originalRecipient !== null) recipients.push(current);
    current = emptyRecipient();
  };

  for (const line of text.split(/\r\n|\r|\n/)) {
    if (recipients.length >= MAX_RECIPIENTS) break;
    if (line.trim() === '') {
      flushRecipient();
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== null) {
      if (last.value.length < 4000) last.value += ` ${line.trim()}`;
      continue;
    }
    const match = FIELD.exec(line);
    if (match === null) continue;
    flushField();
    const name = match[1]!.toLowerCase();
    // Postfix writes Final-Recipient before Original-Recipient, RFC 3464 the other way round: only a repeated
    // field, or a recipient field after the group's Action/Status, starts the next recipient.
    const groupHasOutcome = current.action !== null || current.status !== null;
    const startsNewGroup =
      (name === 'final-recipient' &&
        (current.finalRecipient !== null || (current.originalRecipient !== null && groupHasOutcome))) ||
      (name === 'original-recipient' &&
        (current.originalRecipient !== null || (current.finalRecipient !== null && groupHasOutcome)));
    if (startsNewGroup) flushRecipient();
    last = { name, value: match[2] ?? '' };
  }
  flushRecipient();
  return recipients;
}
