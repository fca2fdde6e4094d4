import type { Database } from 'better-sqlite3';
import type { Logger } from '../../log/logger.ts';
import type { EnforcementSettings } from '../../enforcement/enforcement-settings.ts';

/** What the API needs from the running service. */
export interface ApiDeps {
  db: Database;
  now?: () => Date;
  logger?: Logger;
  /** Wakes the processing worker (after a quarantined message is queued again). */
  onRequeue?: () => void;
  /** Policy for client status actions and re-assessment (from config `enforcement`). */
  enforcement: EnforcementSettings;
}
