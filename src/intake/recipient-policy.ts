/** Which envelope recipients intake accepts at RCPT; anything else gets `550 5.1.1`. */
export interface RecipientPolicy {
  domains: string[];
  mailboxes: string[];
}

export type RecipientDecision =
  | { ok: true; mailbox: string; tag: string | null; domain: string }
  | {
      ok: false;
      code: number;
      enhanced: string;
      message: string;
      reason: 'unknown-mailbox' | 'foreign-domain' | 'syntax';
    };

/**
 * `abuse+yahoo@ESP.example` → mailbox `abuse`, tag `yahoo`. Local parts and domains compare
 * case-insensitively (RFC 5321 §2.4 lets us treat our own local parts that way).
 * Unknown local part at our domain → 550 5.1.1; any other domain → 550 5.7.1 (we never relay); the bare
 * `<Postmaster>` is always accepted.
 */
export function checkRecipient(address: string, policy: RecipientPolicy): RecipientDecision {
  // RFC 5321 §4.5.1: servers MUST NOT refuse `RCPT TO:<Postmaster>` (no domain; §4.1.1.3: "Postmaster"
  // compares case-insensitively). It is our postmaster, at our first domain, whatever smtp.mailboxes lists.
  if (address.toLowerCase() === 'postmaster')
    return { ok: true, mailbox: 'postmaster', tag: null, domain: (policy.domains[0] ?? '').toLowerCase() };
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) {
    return {
      ok: false,
      code: 550,
      enhanced: '5.1.3',
      message: `<${address}>: bad recipient address syntax`,
      reason: 'syntax',
    };
  }
  const local = address.slice(0, at).toLowerCase();
  const domain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  if (!policy.domains.some((d) => d.toLowerCase() === domain)) {
    return {
      ok: false,
      code: 550,
      enhanced: '5.7.1',
      message: `<${address}>: relaying denied, this server only accepts mail for its own mailboxes`,
      reason: 'foreign-domain',
    };
  }
  const plus = local.indexOf('+');
  const base = plus === -1 ? local : local.slice(0, plus);
  const tag = plus === -1 ? null : local.slice(plus + 1);
  if (!policy.mailboxes.some((m) => m.toLowerCase() === base)) {
    return {
      ok: false,
      code: 550,
      enhanced: '5.1.1',
      message: `<${address}>: no such mailbox here`,
      reason: 'unknown-mailbox',
    };
  }
  return { ok: true, mailbox: base, tag, domain };
}
