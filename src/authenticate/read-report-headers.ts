import { firstHeader, type HeaderMap } from '../mime/header-map.ts';
import { readHeaderBlock } from '../mime/read-header-block.ts';

/**
 * A cheap, network-free look at a report: its top-level From and DKIM-Signature `d=` domains
 * (RFC 6376 §3.5, claimed, not verified) and the User-Agent of its message/feedback-report part
 * (RFC 5965 §3.1). Used for the pattern-based provider guess; bounded so garbage input stays cheap.
 */
export interface ReportHeaders {
  from: string | null;
  userAgent: string | null;
  claimedDkimDomains: string[];
}

const MAX_SCAN_BYTES = 1024 * 1024;

/** `headers` is the top-level header block when already read; otherwise it is read from `raw`. */
export function readReportHeaders(raw: Buffer, headers: HeaderMap = readHeaderBlock(raw)): ReportHeaders {
  const from = firstHeader(headers, 'from');
  const claimedDkimDomains = (headers.get('dkim-signature') ?? [])
    .map((value) => /(?:^|;)\s*d\s*=\s*([^;\s]+)/i.exec(value)?.[1]?.toLowerCase())
    .filter((domain): domain is string => domain !== undefined && domain !== '');

  let userAgent: string | null = null;
  const text = raw.subarray(0, MAX_SCAN_BYTES).toString('latin1');
  const reportPart = /content-type:[ \t]*message\/feedback-report/i.exec(text);
  if (reportPart) {
    const match = /^user-agent:[ \t]*([^\r\n]*)/im.exec(text.slice(reportPart.index));
    userAgent = match?.[1]?.trim() || null;
  }

  return { from, userAgent, claimedDkimDomains: [...new Set(claimedDkimDomains)] };
}
