import type { Attribution } from '../../src/attribute/attribution.ts';
import { emptyReport } from '../../src/parse/empty-report.ts';
import type { ParsedReport } from '../../src/report/parsed-report.ts';

/** The action policy the planner tests share: traps are suppressed globally, one unverified suppression. */
export const policy = { globalReasons: ['trap' as const], untrustedMaxSuppressions: 1 };

/** A report attributed to acme's spring sale by a declared header. */
export const matched: Attribution = {
  method: 'feedback-id',
  confidence: 0.7,
  clientId: 1,
  client: 'acme',
  campaignId: 10,
  campaign: 'acme-spring-sale',
  recipient: null,
  sendId: null,
  reason: 'x',
  hits: [],
  rejectedToken: false,
};

/** A report no rung of the ladder could attribute. */
export const unmatched: Attribution = {
  ...matched,
  method: 'unmatched',
  confidence: 0,
  clientId: null,
  client: null,
  campaignId: null,
  campaign: null,
  reason: 'nothing matched',
};

/** An FBL abuse report with nothing else, overridden field by field. */
export const report = (p: Partial<ParsedReport>): ParsedReport => ({
  ...emptyReport('fbl', 'r'),
  feedbackType: 'abuse',
  ...p,
});
