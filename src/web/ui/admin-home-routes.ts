import type { FastifyInstance } from 'fastify';
import { ADMIN_PAGES, adminNav } from './admin-nav.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';

/** The admin area's start page: what each admin page is for. */
export function adminHomeRoutes(app: FastifyInstance, _ctx: UiContext): void {
  app.get('/ui/admin', (req, reply) => {
    requireRole(req, 'admin');
    reply.type('text/html; charset=utf-8');
    return layout({
      title: 'Admin',
      session: req.staff,
      current: '/ui/admin',
      body: html`${adminNav('/ui/admin')}<h1>Admin</h1>
<dl class="admin-pages">${ADMIN_PAGES.map((p) => html`<dt><a href="${p.href}">${p.label}</a></dt><dd>${p.about}</dd>`)}</dl>`,
    });
  });
}
