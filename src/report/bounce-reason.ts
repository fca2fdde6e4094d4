/**
 * Why one recipient's delivery failed: one vocabulary for every bounce, decided once while parsing and
 * carried to suppression, enforcement, tickets, the API and `abusedesk parse`. The names follow the reason
 * list bounce classifiers share (sisimai's), so results compare one to one; `blocklisted` is ours — a
 * rejection that names a DNS blocklist — because enforcement counts it apart from other IP blocks.
 */
export const BOUNCE_REASONS = [
  'userunknown',
  'hostunknown',
  'hasmoved',
  'notaccept',
  'mailboxfull',
  'suspend',
  'filtered',
  'rejected',
  'blocked',
  'blocklisted',
  'badreputation',
  'spamdetected',
  'virusdetected',
  'policyviolation',
  'authfailure',
  'requireptr',
  'notcompliantrfc',
  'ratelimited',
  'toomanyconn',
  'securityerror',
  'failedstarttls',
  'norelaying',
  'mesgtoobig',
  'exceedlimit',
  'contenterror',
  'systemfull',
  'suppressed',
  'expired',
  'networkerror',
  'systemerror',
  'mailererror',
  'syntaxerror',
  'delivered',
  'onhold',
  'undefined',
] as const;
export type BounceReason = (typeof BOUNCE_REASONS)[number];

/** What each reason means, for the README, the UI and `abusedesk parse --pretty`. */
export const BOUNCE_REASON_MEANING: Readonly<Record<BounceReason, string>> = {
  userunknown: 'the local part does not exist at the destination',
  hostunknown: 'the recipient domain does not exist or has no mail server',
  hasmoved: 'the mailbox has moved and mail is not forwarded',
  notaccept: 'the destination accepts no mail at all (null MX, RFC 7505)',
  mailboxfull: 'the mailbox is over its quota',
  suspend: 'the mailbox is disabled or suspended (it may come back)',
  filtered: 'the recipient (or its filter) refuses this sender or message',
  rejected: 'the envelope sender was refused',
  blocked: 'the sending IP address or host name was refused',
  blocklisted: 'the sending IP address or domain is on a DNS blocklist',
  badreputation: "the sending IP address's reputation is too low",
  spamdetected: 'a spam filter rejected the content',
  virusdetected: 'a virus scanner rejected the content',
  policyviolation: "the message broke the destination's policy",
  authfailure: 'SPF, DKIM or DMARC failed',
  requireptr: 'the sending IP address has no (valid) reverse DNS',
  notcompliantrfc: 'the message is not RFC-compliant (e.g. duplicate headers)',
  ratelimited: 'the sender is sending too fast or too much',
  toomanyconn: 'too many simultaneous connections',
  securityerror: 'a security check failed (authentication required, TLS, …)',
  failedstarttls: 'STARTTLS failed or was required',
  norelaying: 'the destination refused to relay',
  mesgtoobig: 'the message is larger than the destination accepts',
  exceedlimit: 'the message exceeds a per-mailbox limit',
  contenterror: 'the message content or headers are malformed',
  systemfull: "the destination system's disk is full",
  suppressed: 'the sending system suppressed the address itself',
  expired: 'delivery was retried until the queue lifetime expired',
  networkerror: 'DNS or network failure on the way',
  systemerror: 'an error in the destination mail system',
  mailererror: 'the delivery program failed',
  syntaxerror: 'an SMTP protocol or syntax error',
  delivered: 'the message was delivered (not a failure)',
  onhold: 'a failure whose cause the text does not say',
  undefined: 'no diagnostic to judge from',
};

/**
 * Reasons that say the address itself is dead. Only these make a bounce hard; everything else — content,
 * policy, reputation, authentication, a full or suspended mailbox, rate limits, an expired queue — is about
 * the message or the sender and is soft whatever the first digit of the status.
 */
export const DEAD_ADDRESS_REASONS: ReadonlySet<BounceReason> = new Set([
  'userunknown',
  'hostunknown',
  'hasmoved',
  'notaccept',
]);

/** Reasons enforcement counts as a blocklisting of the sender: the one decision, made while parsing. */
export const BLOCKLISTING_REASONS: ReadonlySet<BounceReason> = new Set(['blocklisted', 'badreputation']);

export function isBounceReason(value: unknown): value is BounceReason {
  return typeof value === 'string' && (BOUNCE_REASONS as readonly string[]).includes(value);
}

/**
 * Hard ⇔ the reason says the address is dead: userunknown, hostunknown and hasmoved whatever the class digit
 * (a 4.1.1 "user unknown" is a receiver answering 450 for a dead address, RFC 5321 §4.2.5 leaves that to it),
 * and notaccept only when permanent (a 4xx null-MX answer may be a DNS hiccup). A delay is never hard.
 */
export function isHardBounce(reason: BounceReason, status: string | null, delayed: boolean): boolean {
  if (!DEAD_ADDRESS_REASONS.has(reason) || delayed) return false;
  if (reason !== 'notaccept') return true;
  return status === null || !status.startsWith('4');
}
