/**
 * Whether a complainant address is a provider's placeholder rather than a real mailbox.
 * Providers redact (AOL, RFC 6590 `Redacted-Address`) or hash the local part (Return Path /
 * Validity send an MD5 of it): such an address must never be suppressed.
 */
export function isRedactedAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  const local = (at < 0 ? address : address.slice(0, at)).toLowerCase();
  if (local === '' || at < 0) return true;
  if (/redacted|undisclosed|^x{3,}$|^\*+$|^-+$|^anonymous$|^removed$/.test(local)) return true;
  // MD5 (32), SHA-1 (40) or SHA-256 (64) hex digests in the local part.
  return /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/.test(local);
}
