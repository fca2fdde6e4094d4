import type { StaffSession } from '../../auth/staff-sessions.ts';
import { html, type SafeHtml } from './html.ts';

const NAV: Array<[string, string]> = [
  ['/ui/', 'Inbox'],
  ['/ui/clients', 'Clients'],
  ['/ui/suppressions', 'Suppressions'],
  ['/ui/quarantine', 'Quarantine'],
  ['/ui/webhooks', 'Webhooks'],
];
/** Shown to admins only: the audit log, intake log, accounts, tokens, client profiles and endpoints. */
const ADMIN_NAV: [string, string] = ['/ui/admin', 'Admin'];

/** The page shell: skip link, navigation (current page marked), the user and a logout form. */
export function layout(o: {
  title: string;
  session: StaffSession | null;
  current?: string;
  body: SafeHtml;
}): string {
  const s = o.session;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · abusedesk</title>
<link rel="stylesheet" href="/ui/app.css">
<script src="/ui/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<span class="brand">abusedesk</span>
${
  s
    ? html`<nav aria-label="Main"><ul>${[...NAV, ...(s.user.role === 'admin' ? [ADMIN_NAV] : [])].map(([href, label]) => html`<li><a href="${href}"${o.current === href ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul></nav>
<form class="logout" method="post" action="/ui/logout"><input type="hidden" name="_csrf" value="${s.csrf}"><span>${s.user.email} (${s.user.role})</span> <button type="submit">Log out</button></form>`
    : ''
}
</header>
<main id="main" tabindex="-1">
${o.body}
</main>
</body>
</html>
`.value;
}

/** The hidden CSRF field every POST form carries. */
export const csrfField = (s: StaffSession | null): SafeHtml =>
  html`<input type="hidden" name="_csrf" value="${s?.csrf ?? ''}">`;
