/**
 * The UI's page policy: our own stylesheet, frames only from our sandboxed message view, and scripts only as
 * files from our origin — never inline, never eval. The one script the UI serves is /ui/app.js; every other
 * UI response carries `nosniff`, so nothing else of ours can be loaded as a script.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; frame-src 'self'";

/**
 * The sanitized-message view: already script-free and without remote URLs, and the CSP `sandbox`
 * directive (no allow-scripts, unique origin) plus `default-src 'none'` block anything that slipped through.
 */
export const MESSAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox";

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': csp === PAGE_CSP ? 'DENY' : 'SAMEORIGIN',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}
