import type { Config } from '../config/config-schema.ts';
import { retentionTypes, type RetentionType } from '../store/retention-store.ts';

/** One data type a purge takes: its retention in days and the cutoff (ISO 8601) that rows older than go. */
export interface RetentionStep {
  type: RetentionType;
  days: number;
  cutoff: string;
}

const DAY_MS = 24 * 3600_000;

/** The config key that sets each type's retention. */
export const retentionKeyOf: Record<
  RetentionType,
  keyof Omit<Config['retention'], 'purgeIntervalMs' | 'batchSize' | 'batchPauseMs'>
> = {
  'raw-messages': 'rawMessagesDays',
  reports: 'reportsDays',
  'resolved-tickets': 'resolvedTicketsDays',
  'audit-log': 'auditLogDays',
  outbox: 'outboxDays',
  sessions: 'expiredLoginsDays',
  'login-failures': 'expiredLoginsDays',
  nodes: 'goneNodesDays',
};

/** What a purge at `now` removes, type by type; a type kept forever (null) is not in the plan. */
export function retentionPlan(retention: Config['retention'], now: Date): RetentionStep[] {
  const steps: RetentionStep[] = [];
  for (const type of retentionTypes) {
    const days = retention[retentionKeyOf[type]];
    if (days === null) continue;
    steps.push({ type, days, cutoff: new Date(now.getTime() - days * DAY_MS).toISOString() });
  }
  return steps;
}
