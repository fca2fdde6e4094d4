import { html, type SafeHtml } from './html.ts';

/** The admin pages, in the order the admin area lists them, each with what it is for. */
export const ADMIN_PAGES: Array<{ href: string; label: string; about: string }> = [
  { href: '/ui/admin/audit', label: 'Audit log', about: 'Every staff action: who did what, to what, when.' },
  {
    href: '/ui/admin/intake',
    label: 'Intake log',
    about: 'Every accepted message: envelope, state, and the stage trail of its processing.',
  },
  {
    href: '/ui/admin/nodes',
    label: 'Nodes',
    about:
      'The processes sharing the database: which are up, where each singleton job runs, what each has claimed.',
  },
  { href: '/ui/admin/users', label: 'Users', about: 'Staff accounts: add, disable, reset passwords.' },
  { href: '/ui/admin/tokens', label: 'API tokens', about: 'Bearer tokens for /api/v1: create and revoke.' },
  {
    href: '/ui/admin/clients',
    label: 'Clients',
    about: 'Create and edit clients: name, sending domains, abuse contact, language.',
  },
  {
    href: '/ui/admin/webhooks',
    label: 'Webhook endpoints',
    about: 'Each client’s endpoint URL and signing secret, with its recent deliveries.',
  },
  {
    href: '/ui/admin/lifecycle',
    label: 'Erasure and deletion',
    about:
      'Erase every trace of a person (kept suppressed as a keyed hash); delete a client after an export.',
  },
];

/** The admin area's own navigation (current page marked), shown above each admin page. */
export const adminNav = (current: string): SafeHtml =>
  html`<nav class="admin-nav" aria-label="Admin"><ul>${ADMIN_PAGES.map((p) => html`<li><a href="${p.href}"${current === p.href ? html` aria-current="page"` : ''}>${p.label}</a></li>`)}</ul></nav>`;
