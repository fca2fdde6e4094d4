import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { Database } from 'better-sqlite3';
import { createStaffUser } from '../../../src/auth/staff-users.ts';
import { loadDemoIfEmpty } from '../../../src/clients/load-demo.ts';
import { openDatabase } from '../../../src/db/open-database.ts';
import {
  enforcementSettings,
  type EnforcementSettings,
} from '../../../src/enforcement/enforcement-settings.ts';
import { uiPlugin } from '../../../src/web/ui/ui-plugin.ts';
import { tempDataDir, testConfig } from '../../helpers/test-service.ts';
import { csrfOf, loginInject } from './ui-session.ts';
import type { ApiLookups } from '../../../src/web/api/api-lookups.ts';

export type Role = 'admin' | 'agent' | 'viewer';
export interface Session {
  cookie: string;
  csrf: string;
}

export interface UiAppOptions {
  /** A fixed clock for the demo data, the accounts and the UI; default: demo data of 2026-11-01, real time. */
  now?: Date;
  /** Data to add before the UI starts, with the enforcement settings the UI uses. */
  seed?: (db: Database, enforcement: EnforcementSettings) => void;
  /** The API's remembered tokens and client ids, which the pages forget on a revocation or a deletion. */
  lookups?: ApiLookups;
  /** retention.goneNodesDays as the nodes page states it (default: the default configuration's). */
  goneNodesDays?: number | null;
}

export type UiApp = Awaited<ReturnType<typeof startUiApp>>;

/**
 * The UI on a fresh database with the demo clients and one account per role (`<role>@esp.example`, password
 * `<role> password 1`), for the admin, client and suppression page tests.
 */
export async function startUiApp(options: UiAppOptions = {}): Promise<{
  db: Database;
  app: FastifyInstance;
  login: (role: Role) => Promise<Session>;
  get: (s: Session | null, url: string) => Promise<LightMyRequestResponse>;
  post: (
    s: Session | null,
    url: string,
    fields: Record<string, string | string[]>,
  ) => Promise<LightMyRequestResponse>;
  close: () => Promise<void>;
}> {
  const tmp = tempDataDir();
  const config = testConfig(tmp.dir);
  const db = openDatabase(config);
  const { now: fixed, seed } = options;
  loadDemoIfEmpty(db, fixed ?? new Date('2026-11-01T00:00:00Z'));
  const now = fixed ?? new Date();
  for (const role of ['admin', 'agent', 'viewer'] as const)
    createStaffUser(db, { email: `${role}@esp.example`, role, password: `${role} password 1`, now });
  const enforcement = enforcementSettings(config);
  seed?.(db, enforcement);
  const app = Fastify();
  await app.register(uiPlugin, {
    db,
    enforcement,
    ...(fixed ? { now: () => fixed } : {}),
    ...(options.lookups ? { lookups: options.lookups } : {}),
    ...(options.goneNodesDays !== undefined ? { goneNodesDays: options.goneNodesDays } : {}),
  });
  await app.ready();
  return {
    db,
    app,
    login: async (role) => {
      const s = await loginInject(app, `${role}@esp.example`, `${role} password 1`);
      if (s.status !== 303) throw new Error(`login as ${role} failed: ${s.status}`);
      return s;
    },
    get: (s, url) => app.inject({ method: 'GET', url, headers: s ? { cookie: s.cookie } : {} }),
    post: (s, url, fields) => {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
      return app.inject({
        method: 'POST',
        url,
        headers: { ...(s ? { cookie: s.cookie } : {}), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      });
    },
    close: async () => {
      await app.close();
      db.close();
      tmp.cleanup();
    },
  };
}

/** The CSRF token of a page (every POST form carries it). */
export const pageCsrf = (body: string): string => csrfOf(body);

/** The text of a page without tags, whitespace collapsed: what a reader sees. */
export const textOf = (body: string): string =>
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
