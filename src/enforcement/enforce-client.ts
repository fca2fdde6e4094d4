import type { Database } from 'better-sqlite3';
import { clientAssessmentJson, clientIds, saveClientAssessment } from '../store/clients-store.ts';
import { latestUnappliedTarget } from '../store/enforcement-store.ts';
import { assessClient } from './assess-client.ts';
import {
  changeClientStatus,
  type StatusChangeMode,
  type StatusChangeResult,
} from './change-client-status.ts';
import { clientFacts } from './client-facts.ts';
import type { Assessment, ClientFacts, EnforcementPolicy, ReputationScore } from './enforcement-types.ts';
import type { MailboxProviders } from './mailbox-providers.ts';
import type { DeskMailSettings } from '../answer/desk-mail-settings.ts';
import type { WebhookEndpoint } from '../webhooks/emit-webhook.ts';
import { reputationScore } from './reputation-score.ts';

export interface EnforcementContext {
  policy: EnforcementPolicy;
  providers: MailboxProviders;
  /** The global webhook endpoints (config `webhooks.endpoints`) a status change notifies. */
  webhookEndpoints: readonly WebhookEndpoint[];
  /** Notices to the client's abuse contact on a status change (config `desk`); none: no notice. */
  desk?: DeskMailSettings | undefined;
}

/** What is stored on the client (clients.assessment) and shown by the UI, API and CLI. */
export interface ClientAssessment {
  at: string;
  mode: EnforcementPolicy['mode'];
  facts: ClientFacts;
  assessment: Assessment;
  score: ReputationScore;
}

export interface EnforcementOutcome extends ClientAssessment {
  /** The status change made (or recorded as dry-run / proposal) now; null when none. */
  change: (StatusChangeResult & { mode: StatusChangeMode }) | null;
}

/** Evidence kept with a status change: the window, the signals that crossed a threshold, campaigns and sample reports. */
function evidenceOf(facts: ClientFacts, a: Assessment, score: ReputationScore): Record<string, unknown> {
  const crossed = a.signals.filter((s) => s.level !== 'active');
  return {
    window: { start: facts.windowStart, end: facts.windowEnd },
    volume: facts.total.volume,
    counts: facts.total.counts,
    fblShare: facts.fblShare,
    signals: crossed.map((s) => ({
      signal: s.signal,
      campaign: s.campaign,
      k: s.k,
      n: s.n,
      value: s.value,
      lowerBound: s.lowerBound,
      threshold: s.threshold,
      level: s.level,
      text: s.text,
    })),
    campaigns: [...new Set(crossed.map((s) => s.campaign).filter((x): x is string => x !== null))],
    sampleReportIds: facts.sampleReportIds,
    score: score.score,
  };
}

/** Whether a non-applied record with this target was already written since the last applied change (no repeats). */
function alreadyRecorded(db: Database, clientId: number, mode: StatusChangeMode, to: string): boolean {
  return latestUnappliedTarget(db, clientId, mode) === to;
}

/**
 * Re-assesses one client (rates, levels, hysteresis, score), stores the assessment and score on the client,
 * and makes the automatic status change policy asks for — or, in dry-run mode, records what it would be.
 * Call inside a transaction (the actions stage's savepoint, or the sweeper's own).
 */
export function enforceClient(
  db: Database,
  clientId: number,
  ctx: EnforcementContext,
  now: Date,
): EnforcementOutcome {
  const facts = clientFacts(db, clientId, ctx.policy, ctx.providers, now);
  const assessment = assessClient(facts, ctx.policy, now);
  const score = reputationScore(facts, ctx.policy);
  const stored: ClientAssessment = { at: now.toISOString(), mode: ctx.policy.mode, facts, assessment, score };
  saveClientAssessment(db, clientId, score.score, JSON.stringify(stored), stored.at);

  let change: EnforcementOutcome['change'] = null;
  const evidence = (): Record<string, unknown> => evidenceOf(facts, assessment, score);
  if (assessment.change) {
    const mode: StatusChangeMode = ctx.policy.mode === 'dry-run' ? 'dry-run' : 'applied';
    if (mode === 'applied' || !alreadyRecorded(db, clientId, mode, assessment.change.to)) {
      change = {
        ...changeClientStatus(db, {
          clientId,
          to: assessment.change.to,
          actor: 'system:enforcement',
          reason: assessment.change.reason,
          mode,
          evidence: evidence(),
          webhookEndpoints: ctx.webhookEndpoints,
          desk: ctx.desk,
          now,
        }),
        mode,
      };
    }
  }
  if (assessment.proposal && !alreadyRecorded(db, clientId, 'proposed', 'suspended')) {
    const proposed = changeClientStatus(db, {
      clientId,
      to: 'suspended',
      actor: 'system:enforcement',
      reason: assessment.proposal,
      mode: 'proposed',
      evidence: evidence(),
      webhookEndpoints: ctx.webhookEndpoints,
      desk: ctx.desk,
      now,
    });
    change ??= { ...proposed, mode: 'proposed' };
  }
  return { ...stored, change };
}

/** The stored assessment of a client (null before its first). */
export function storedAssessment(db: Database, clientId: number): ClientAssessment | null {
  const json = clientAssessmentJson(db, clientId);
  return json ? (JSON.parse(json) as ClientAssessment) : null;
}

/** Re-assesses every client, each in its own transaction; returns the outcomes in slug order. */
export function enforceAllClients(db: Database, ctx: EnforcementContext, now: Date): EnforcementOutcome[] {
  const ids = clientIds(db);
  return ids.map((id) => db.transaction(() => enforceClient(db, id, ctx, now))());
}
