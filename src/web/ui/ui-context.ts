import type { Database } from 'better-sqlite3';
import type { FastifyRequest } from 'fastify';
import type { ParseLimits } from '../../parse/parse-options.ts';
import type { LifecycleSettings } from '../../lifecycle/lifecycle-settings.ts';
import type { StaffSession } from '../../auth/staff-sessions.ts';
import type { LoginLimiter } from './login-limiter.ts';
import type { EnforcementSettings } from '../../enforcement/enforcement-settings.ts';
import type { ApiLookups } from '../api/api-lookups.ts';

/** What every UI route needs: the database, a clock and the login limiter (no globals). */
export interface UiContext {
  db: Database;
  now: () => Date;
  limiter: LoginLimiter;
  onRequeue: () => void;
  /** Wakes the outbox sender after a page queued mail (a staff answer), so it leaves before the next poll. */
  onMailQueued: () => void;
  enforcement: EnforcementSettings;
  /** Bounds of the MIME walk that renders a stored message (config `parse`). */
  parseLimits: ParseLimits;
  /** Logs a failure as `http.error` (method, url, stack); a no-op without a logger. */
  logError: (req: FastifyRequest, err: unknown, status?: number) => void;
  /** The erasure hash key and data dir (config `privacy`, `dataDir`); null: erasure is unavailable here. */
  lifecycle: LifecycleSettings | null;
  /** The API's remembered tokens and client ids (forgotten on a revocation or a deletion here); null: none. */
  lookups: ApiLookups | null;
  /** cluster.leaseMs: a node that has not reported itself for this long is down. */
  clusterLeaseMs: number;
  /** retention.goneNodesDays: a node not heard from for this many days leaves the node list (null: never). */
  goneNodesDays: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in staff session (set by the UI's auth hook; null on the login page). */
    staff: StaffSession | null;
  }
}
