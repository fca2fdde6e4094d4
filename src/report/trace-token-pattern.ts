/**
 * The shape of an abusedesk trace token as it appears in reports: `adt` + a version digit, then base64url.
 * Finding one is the extract stage's job; opening (and thereby trusting) it is the attribute stage's.
 * A token-shaped string that fails to open is evidence of nothing.
 */
export const TRACE_TOKEN_SOURCE = '(?<![A-Za-z0-9_-])adt[1-9][A-Za-z0-9_-]{30,400}(?![A-Za-z0-9_-])';

/** A fresh global regex (global regexes carry state, so never share one). */
export const traceTokenRegex = (): RegExp => new RegExp(TRACE_TOKEN_SOURCE, 'g');
