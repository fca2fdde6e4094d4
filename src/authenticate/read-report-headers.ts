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

const MAX_HEADER_BYTES = 256 * 1024;
const MAX_SCAN_BYTES = 1024 * 1024;

function headerFields(text: string): { name: string; value: string }[] {
  const fields: { name: string; value: string }[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  // An mbox "From " separator line may precede the headers.
  let index = lines[0]?.startsWith('From ') ? 1 : 0;
  for (; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line === '') break;
    const last = fields.at(-1);
    if (/^[ \t]/.test(line)) {
      // RFC 5322 §2.2.3 unfolding.
      if (last) last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

export function readReportHeaders(raw: Buffer): ReportHeaders {
  const text = raw.subarray(0, MAX_SCAN_BYTES).toString('latin1');
  const fields = headerFields(text.slice(0, MAX_HEADER_BYTES));

  const from = fields.find((field) => field.name === 'from')?.value ?? null;
  const claimedDkimDomains = fields
    .filter((field) => field.name === 'dkim-signature')
    .map((field) => /(?:^|;)\s*d\s*=\s*([^;\s]+)/i.exec(field.value)?.[1]?.toLowerCase())
    .filter((domain): domain is string => domain !== undefined && domain !== '');

  let userAgent: string | null = null;
  const reportPart = /content-type:[ \t]*message\/feedback-report/i.exec(text);
  if (reportPart) {
    const match = /^user-agent:[ \t]*([^\r\n]*)/im.exec(text.slice(reportPart.index));
    userAgent = match?.[1]?.trim() || null;
  }

  return { from, userAgent, claimedDkimDomains: [...new Set(claimedDkimDomains)] };
}
