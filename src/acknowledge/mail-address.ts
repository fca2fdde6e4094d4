/**
 * One plain addr-spec (RFC 5322 §3.4.1, dot-atom local part, as mailboxes really are): no display name,
 * no comments, no spaces, CR/LF, commas or angle brackets — so it can never expand into more recipients or
 * header lines. Quoted local parts are refused on purpose: a reporter with one is not acknowledged.
 */
const ADDR_SPEC =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function isMailAddress(value: string): boolean {
  return value.length <= 254 && ADDR_SPEC.test(value);
}
