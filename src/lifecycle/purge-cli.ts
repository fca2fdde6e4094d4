import type { Database } from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import { writeAudit } from '../store/audit-store.ts';
import { retentionTypes, type RetentionType } from '../store/retention-store.ts';
import { retentionPlan } from './retention-plan.ts';
import { runPurge, type PurgeResult } from './run-purge.ts';

/**
 * `abusedesk db purge`: the same batched purge serve runs on its schedule, started by staff, and audited
 * (a dry run changes nothing and is not). `kept` lists the types whose retention is null.
 */
export async function purgeFromCli(
  db: Database,
  config: Config,
  o: {
    dryRun: boolean;
    actor: string;
    now?: Date;
    progress?: ((type: RetentionType, n: number) => void) | undefined;
  },
): Promise<PurgeResult & { kept: RetentionType[] }> {
  const now = o.now ?? new Date();
  const r = await runPurge(db, { retention: config.retention, now, dryRun: o.dryRun, onBatch: o.progress });
  if (!o.dryRun)
    writeAudit(db, {
      actor: o.actor,
      action: 'retention.purge',
      target: null,
      detail: { removed: Object.fromEntries(r.types.map((t) => [t.type, t.removed])) },
      now,
    });
  const planned = new Set(retentionPlan(config.retention, now).map((s) => s.type));
  return { ...r, kept: retentionTypes.filter((t) => !planned.has(t)) };
}
