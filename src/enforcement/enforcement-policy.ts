import type { Config } from '../config/config-schema.ts';
import type { EnforcementPolicy } from './enforcement-types.ts';

/** The enforcement policy as config states it (config `enforcement`). */
export function enforcementPolicy(config: Pick<Config, 'enforcement'>): EnforcementPolicy {
  const e = config.enforcement;
  return {
    mode: e.mode,
    windowDays: e.windowDays,
    minVolume: e.minVolume,
    confidence: e.confidence,
    fblShareFloor: e.fblShareFloor,
    recoverRatio: e.recoverRatio,
    minDaysInState: e.minDaysInState,
    autoSuspend: e.autoSuspend,
    corroborationSources: e.corroborationSources,
    thresholds: e.thresholds,
    scoreWeights: e.scoreWeights,
  };
}
