import { readFileSync } from 'node:fs';
import { defineRoute, type ApiRoute } from './api-route.ts';
import { openApiDocument } from './openapi-document.ts';
import { campaignRoutes } from './routes/campaign-routes.ts';
import { clientRoutes } from './routes/client-routes.ts';
import { clusterRoutes } from './routes/cluster-routes.ts';
import { messageRoutes } from './routes/message-routes.ts';
import { quarantineRoutes } from './routes/quarantine-routes.ts';
import { reportRoutes } from './routes/report-routes.ts';
import { sendRoutes } from './routes/send-routes.ts';
import { suppressionRoutes } from './routes/suppression-routes.ts';
import { trapRoutes } from './routes/trap-routes.ts';
import { ticketRoutes } from './routes/ticket-routes.ts';
import { tokenRoutes } from './routes/token-routes.ts';
import { lifecycleRoutes } from './routes/lifecycle-routes.ts';
import { projectUrl } from '../../runtime/project-root.ts';

const version = (JSON.parse(readFileSync(projectUrl('package.json'), 'utf8')) as { version: string }).version;

/** Every route of /api/v1 with the role it needs: the one list the server and the OpenAPI document are built from. */
export function apiRoutes(): ApiRoute[] {
  const routes = [
    ...ticketRoutes,
    ...reportRoutes,
    ...messageRoutes,
    ...quarantineRoutes,
    ...clientRoutes,
    ...campaignRoutes,
    ...sendRoutes,
    ...suppressionRoutes,
    ...trapRoutes,
    ...tokenRoutes,
    ...lifecycleRoutes,
    ...clusterRoutes,
  ];
  let document: Record<string, unknown> | null = null;
  const openapi: ApiRoute = defineRoute({
    method: 'GET',
    path: '/openapi.json',
    role: 'viewer',
    summary: 'This document: every route with the role it needs',
    handle: (): Record<string, unknown> => (document ??= openApiDocument(all, version)),
  });
  const all: ApiRoute[] = [...routes, openapi];
  return all;
}
