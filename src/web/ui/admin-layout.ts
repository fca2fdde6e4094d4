import type { FastifyReply, FastifyRequest } from 'fastify';
import { adminNav } from './admin-nav.ts';
import { html, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';

/**
 * An admin page as HTML: the main layout with Admin as the current area and the admin navigation (`page`
 * marked) above `body`. `noStore` keeps a page that shows a secret once out of every cache.
 */
export function adminLayout(
  req: FastifyRequest,
  reply: FastifyReply,
  o: { title: string; page: string; noStore?: boolean; body: SafeHtml },
): string {
  reply.type('text/html; charset=utf-8');
  if (o.noStore) reply.header('cache-control', 'no-store');
  return layout({
    title: o.title,
    session: req.staff,
    current: '/ui/admin',
    body: html`${adminNav(o.page)}${o.body}`,
  });
}
