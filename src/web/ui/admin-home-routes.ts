import type { FastifyInstance } from 'fastify';
import { adminLayout } from './admin-layout.ts';
import { ADMIN_PAGES } from './admin-nav.ts';
import { html } from './html.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';

/** The admin area's start page: what each admin page is for. */
export function adminHomeRoutes(app: FastifyInstance, _ctx: UiContext): void {
  app.get('/ui/admin', (req, reply) => {
    requireRole(req, 'admin');
    return adminLayout(req, reply, {
      title: 'Admin',
      page: '/ui/admin',
      body: html`<h1>Admin</h1>
<dl class="admin-pages">${ADMIN_PAGES.map((p) => html`<dt><a href="${p.href}">${p.label}</a></dt><dd>${p.about}</dd>`)}</dl>`,
    });
  });
}
