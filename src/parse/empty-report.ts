import type { ParsedReport } from '../report/parsed-report.ts';

/** A report of the given kind with nothing extracted (a message past a parse bound, or one that failed to parse). */
export function emptyReport(kind: ParsedReport['kind'], reason: string): ParsedReport {
  return {
    kind,
    reason,
    feedbackType: null,
    provider: null,
    userAgent: null,
    reporter: null,
    complainants: [],
    redacted: false,
    redactedComplainants: [],
    bounces: [],
    original: null,
    identifiers: {
      traceToken: null,
      feedbackId: null,
      cfblFeedbackId: null,
      verp: null,
      listUnsubscribe: [],
      headers: {},
    },
    sourceIp: null,
    arrivalDate: null,
    auth: null,
  };
}
