import { loadProviderRegistry } from '../authenticate/provider-registry.ts';
import { clientScope, type Decision } from '../decisions/decision.ts';
import { logEvent } from '../log/logger.ts';
import { required, type EnforcementResult } from '../pipeline/pipeline-state.ts';
import { clientForEnforcement } from '../store/clients-store.ts';
import type { Stage, StageOutcome } from '../worker/stage.ts';
import { enforceClient, type EnforcementContext } from './enforce-client.ts';
import { planSignals, type PlannedSignal, type SignalOptions } from './plan-signals.ts';
import { recordSignals } from './record-signals.ts';
import { judgeSource } from './signal-source.ts';
import { batchTrapChecker } from './spam-traps.ts';

export interface EnforcementStageOptions {
  ctx: EnforcementContext;
  signals: Omit<SignalOptions, 'isTrap' | 'providers'>;
}

const signalDecision = (s: PlannedSignal, client: string | null): Decision => ({
  kind: s.counts ? 'signal-counted' : 'signal-recorded',
  target: s.recipient,
  scope: clientScope(client),
  rule: s.rule,
  reason: s.reason,
  signal: s.signal,
});

const skipped = (reason: string): StageOutcome & { state: { enforcement: EnforcementResult } } => ({
  outcome: 'skipped',
  reason,
  state: { enforcement: { status: 'skipped', signals: [], decisions: [] } },
});

/**
 * The enforcement window's start: windowDays back, never before the client's last reinstatement. `reinstated`
 * remembers each client's reinstatement for the batch (it changes only when a client is re-assessed, after the
 * batch's reports): on PostgreSQL each read is a round trip inside the batch's commit.
 */
function windowStart(
  db: Parameters<typeof clientForEnforcement>[0],
  clientId: number,
  days: number,
  now: Date,
  reinstated: Map<number, string | null>,
): string {
  const rolling = new Date(now.getTime() - days * 86_400_000).toISOString();
  let since = reinstated.get(clientId);
  if (since === undefined) {
    since = clientForEnforcement(db, clientId)?.since ?? null;
    reinstated.set(clientId, since);
  }
  return since && since > rolling ? since : rolling;
}

/** The trail entry: the report's signals and whether they count. */
function signalsReason(client: string, signals: readonly PlannedSignal[]): string {
  const list = signals
    .map(
      (s) =>
        `${s.signal}${s.recipient ? ` ${s.recipient}` : ''}: ${s.counts ? `counts [${s.rule}]` : `not counted [${s.rule}]`} (${s.reason})`,
    )
    .join('; ');
  return `${list}; ${client} is re-assessed when this batch commits (see the client's history)`;
}

/**
 * enforcement: the report's signals (complaint, hard/soft bounce, blocklisting, unsubscribe, trap hit) and whether
 * they count, stored for its client with a decision each; the client is re-assessed once per batch (finishBatch),
 * so a burst of reports costs one assessment per client. Nothing for a duplicate or a report acted on before.
 */
export function enforcementStage(options: EnforcementStageOptions): Stage {
  const touched = new Set<number>();
  const reinstated = new Map<number, string | null>();
  return {
    name: 'enforcement',
    commit(ctx) {
      const actions = required(ctx.state, 'actions', 'enforcement');
      const a = required(ctx.state, 'attribution', 'enforcement');
      if (actions.status !== 'acted')
        return skipped(
          actions.status === 'duplicate'
            ? 'duplicate report: no signal'
            : 'processed before: no second effect',
        );
      if (a.clientId === null) return skipped('no client attributed');
      const { reportId } = required(ctx.state, 'stored', 'enforcement');
      const report = required(ctx.state, 'report', 'enforcement');
      const m = ctx.message;
      const source = judgeSource({
        kind: report.kind,
        from: ctx.state.headers?.from ?? report.reporter,
        auth: report.auth,
        envelope: { mailFrom: m.mailFrom, helo: m.helo, clientIp: m.clientIp },
        registry: loadProviderRegistry(),
      });
      const planned = planSignals(report, a, {
        ...options.signals,
        providers: options.ctx.providers,
        isTrap: batchTrapChecker(ctx),
        source,
      });
      if (planned.length === 0)
        return {
          outcome: 'none',
          reason: `no signal for ${a.client ?? ''}`,
          state: { enforcement: { status: 'recorded', signals: planned, decisions: [] } },
        };
      const now = ctx.now();
      const { signals } = recordSignals(ctx.db, planned, {
        clientId: a.clientId,
        campaignId: a.campaignId,
        reportId,
        now,
        source,
        corroboration: {
          sources: options.ctx.policy.corroborationSources,
          since: windowStart(ctx.db, a.clientId, options.ctx.policy.windowDays, now, reinstated),
        },
      });
      const decisions = signals.map((s) => signalDecision(s, a.client));
      touched.add(a.clientId);
      return {
        outcome: signals.some((s) => s.counts) ? 'counted' : 'recorded',
        reason: signalsReason(a.client ?? '', signals),
        state: { enforcement: { status: 'recorded', signals, decisions } },
      };
    },
    finishBatch({ db, now, logger }) {
      const ids = [...touched];
      touched.clear();
      reinstated.clear();
      for (const id of ids) {
        const e = enforceClient(db, id, options.ctx, now);
        if (e.change)
          logEvent(logger, 'info', 'enforcement.changed', {
            client: e.facts.client,
            from: e.change.from,
            to: e.change.to,
            mode: e.change.mode,
          });
      }
    },
  };
}
