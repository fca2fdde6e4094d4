/**
 * Makes an inbound, attacker-controlled value safe for one header line: CR and LF (which would start a
 * new header field, RFC 5322 §2.2) and other control characters become spaces, runs of white space
 * collapse, and the result is cut to `max` characters.
 */
export function headerSafe(value: string, max = 200): string {
  const flat = value
    .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The first RFC 5322 §3.6.4 msg-id (`<left@right>`) in an inbound value, or null: anything around it
 * (CR/LF, other header text) is dropped, never copied.
 */
export function msgIdOf(value: string | null | undefined): string | null {
  const m = /<([^<>\s@]+@[^<>\s@]+)>/.exec(value ?? '');
  return m && m[0].length <= 250 ? m[0] : null;
}
