import type { Attribution } from '../attribute/attribution.ts';
import type { Decision } from '../decisions/decision.ts';
import type { PlannedSignal } from '../enforcement/plan-signals.ts';
import type { TopHeaders } from '../headers/headers-stage.ts';
import type { HeaderMap } from '../mime/header-map.ts';
import type { Classification } from '../parse/classification.ts';
import type { ParsedAuth } from '../authenticate/authenticate-parsed.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import type { UnwrittenReport } from '../store/reports-store.ts';

/** The stored report row of the message (written by the extract stage's commit). */
export interface StoredReportRef {
  reportId: number;
  /** Its decisions were stored by an earlier run: re-processing repeats no action. */
  actedBefore: boolean;
  /** The row, when it is written only once the message's stages are done (see storeReport). */
  unwritten?: UnwrittenReport | undefined;
}

/** What the actions stage did: `acted`, or nothing because it is a `duplicate` or was `already-done`. */
export interface ActionsResult {
  status: 'acted' | 'duplicate' | 'already-done';
  decisions: Decision[];
  ticketId: string | null;
}

/** What the enforcement stage recorded for the report's client. */
export interface EnforcementResult {
  status: 'recorded' | 'skipped';
  signals: PlannedSignal[];
  decisions: Decision[];
}

/**
 * What the stages of one message hand on to the later ones, one field per result, each set by exactly one
 * stage (the processor merges what a stage returns).
 */
export interface PipelineState {
  headers?: TopHeaders;
  /** The message's top-level header block, read once by the headers stage (names lower-cased, values undecoded). */
  headerBlock?: HeaderMap;
  auth?: ParsedAuth;
  classification?: Classification;
  /** The report before authentication, when the classify stage ran in the parse pool (classify + extract there). */
  extracted?: ParsedReport;
  report?: ParsedReport;
  stored?: StoredReportRef;
  attribution?: Attribution;
  actions?: ActionsResult;
  enforcement?: EnforcementResult;
}

/** A result an earlier stage must have set; throws (the message is retried) when it did not. */
export function required<K extends keyof PipelineState>(
  state: PipelineState,
  key: K,
  stage: string,
): NonNullable<PipelineState[K]> {
  const value = state[key];
  if (value === undefined || value === null) throw new Error(`${stage} needs the ${key} of an earlier stage`);
  return value;
}
