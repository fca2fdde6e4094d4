import { traceTokenRegex } from '../report/trace-token-pattern.ts';
import type { Identifiers } from '../report/parsed-report.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import { lastHeader, type HeaderMap } from '../mime/header-map.ts';
import { unsubscribePolicy } from './unsubscribe-policy.ts';

export interface IdentifierSources {
  /** Header fields of the reported original (null when unknown, e.g. inline forwards lose them). */
  originalHeaders: HeaderMap | null;
  /** Every text worth searching for a trace token, most specific first: raw headers, bodies, HTML with links. */
  texts: string[];
  /** Body texts (original first) for the unsubscribe-link policy check. */
  bodies: string[];
  /** False when the original's header fields were reconstructed from quoted text (inline forwards drop most). */
  headersKnown: boolean;
  /** The original's Return-Path (or the report's Original-Mail-From) for the VERP pattern. */
  returnPath: string | null;
  campaignHeaders: string[];
  verp: RegExp | null;
}

/**
 * The campaign identifiers the attribution ladder reads from a report: the trace token, the declared headers
 * (Feedback-ID, CFBL-Feedback-ID, configured names) and VERP. Headers often do not survive forwarding but
 * links do, so the trace token is searched in every text.
 */
export function extractIdentifiers(src: IdentifierSources): Identifiers {
  const h = src.originalHeaders;
  const get = (name: string): string | null => {
    const v = h ? lastHeader(h, name.toLowerCase()) : null;
    return v === null ? null : decodeHeaderValue(v).trim();
  };
  const listUnsubscribe = [...(get('list-unsubscribe') ?? '').matchAll(/<([^>]+)>/g)].map((m) =>
    m[1]!.trim(),
  );
  const headers: Record<string, string> = {};
  for (const name of src.campaignHeaders) {
    const v = get(name);
    if (v !== null) headers[name] = v;
  }
  let traceToken: string | null = null;
  const traceHeader = get('x-abusedesk-trace');
  for (const text of [traceHeader ?? '', ...listUnsubscribe, src.returnPath ?? '', ...src.texts]) {
    const m = traceTokenRegex().exec(text);
    if (m) {
      traceToken = m[0];
      break;
    }
  }
  let verp: Record<string, string> | null = null;
  if (src.verp && src.returnPath) {
    const m = src.verp.exec(src.returnPath.replace(/^<|>$/g, ''));
    if (m?.groups)
      verp = Object.fromEntries(
        Object.entries(m.groups).filter((e): e is [string, string] => e[1] !== undefined),
      );
  }
  const unsubscribe = unsubscribePolicy(
    get('list-unsubscribe'),
    get('list-unsubscribe-post'),
    h !== null && src.headersKnown,
    src.bodies,
  );
  return {
    traceToken,
    feedbackId: get('feedback-id'),
    cfblFeedbackId: get('cfbl-feedback-id'),
    verp,
    listUnsubscribe,
    headers,
    unsubscribe,
  };
}
