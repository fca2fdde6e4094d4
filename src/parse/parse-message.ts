import { classifyMessage } from './classification.ts';
import { defaultDetectors, type ReportDetectors } from './default-detectors.ts';
import { extractReport } from './extract-report.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import type { ParseOptions } from './parse-options.ts';
import { authenticateParsed, withAuth } from '../authenticate/authenticate-parsed.ts';

/**
 * Understands one inbound message: exactly one kind with a reason, plus everything the later stages
 * need — the classify and extract stages, and authenticate when `authenticate` is set (with a resolver
 * it verifies; without one nothing touches the network). Never throws — a message it cannot understand
 * is kind `other` with the reason.
 */
export async function parseMessage(
  raw: Buffer,
  options: ParseOptions = {},
  detectors: ReportDetectors = defaultDetectors,
): Promise<ParsedReport> {
  const report = extractReport(classifyMessage(raw, options, detectors), options);
  return options.authenticate ? withAuth(report, await authenticateParsed(raw, options)) : report;
}
