import type { Database } from 'better-sqlite3';
import type { Logger } from '../../log/logger.ts';
import type { EnforcementSettings } from '../../enforcement/enforcement-settings.ts';
import type { SuppressionRules } from '../../suppress/suppression-rules.ts';
import type { LifecycleSettings } from '../../lifecycle/lifecycle-settings.ts';
import type { ApiLookups } from './api-lookups.ts';

/** What the API needs from the running service. */
export interface ApiDeps {
  db: Database;
  now?: () => Date;
  logger?: Logger;
  /** Wakes the processing worker (after a quarantined message is queued again). */
  onRequeue?: () => void;
  /** Policy for client status actions and re-assessment (from config `enforcement`). */
  enforcement: EnforcementSettings;
  /** Suppression expiry and the erasure hash (config `suppressions`, `privacy.hashKey`); absent: no expiry, no hash. */
  suppressionRules?: SuppressionRules;
  /** The erasure hash key and data dir (config `privacy`, `dataDir`); absent: erasure answers 503. */
  lifecycle?: LifecycleSettings;
  /** Verified tokens and client ids kept for `http.lookupCacheMs`; absent: read on every request. */
  lookups?: ApiLookups;
  /** cluster.leaseMs: a node that has not reported itself for this long is down (absent: the default). */
  clusterLeaseMs?: number;
}
