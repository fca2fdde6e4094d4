import type { ParsedReport } from '../report/parsed-report.ts';
import type { Attribution, AttributionHit } from './attribution.ts';
import type { AttributionLookups, CampaignRef, ClientRef } from './attribution-lookups.ts';

/** Confidence per rung: authenticated facts first, unsigned declarations lower, guesses lowest. */
export const CONFIDENCE = {
  'trace-token': 1,
  'send-log': 0.95,
  verp: 0.75,
  'feedback-id': 0.7,
  'cfbl-feedback-id': 0.7,
  'campaign-header': 0.6,
  'sender-domain': 0.4,
  'sender-domain-no-campaign': 0.3,
} as const;

const domainOf = (address: string | null | undefined): string | null => {
  const m = /@([^\s>@]+)>?\s*$/.exec(address ?? '');
  return m ? m[1]!.toLowerCase().replace(/\.$/, '') : null;
};

const normalizeMessageId = (id: string): string => id.trim().replace(/^<|>$/g, '').toLowerCase();

function hit(
  method: AttributionHit['method'],
  confidence: number,
  client: ClientRef,
  campaign: CampaignRef | null,
  reason: string,
  extra: Partial<AttributionHit> = {},
): AttributionHit {
  return {
    method,
    confidence,
    clientId: client.id,
    client: client.slug,
    campaignId: campaign?.id ?? null,
    campaign: campaign?.slug ?? null,
    recipient: null,
    sendId: null,
    reason,
    ...extra,
  };
}

/** `campaign:client:type:sender` (Gmail Feedback-ID); each part may be empty. */
function declaredIds(
  value: string,
  l: AttributionLookups,
): { client: ClientRef; campaign: CampaignRef | null } | null {
  const parts = value.split(':').map((p) => p.trim().toLowerCase());
  const campaign = parts.map((p) => (p ? l.campaignBySlug(p) : null)).find(Boolean) ?? null;
  const client =
    (parts[1] ? l.clientBySlug(parts[1]) : null) ??
    (campaign ? l.clientById(campaign.clientId) : null) ??
    parts.map((p) => (p ? l.clientBySlug(p) : null)).find(Boolean) ??
    null;
  if (!client) return null;
  return { client, campaign: campaign && campaign.clientId === client.id ? campaign : null };
}

/**
 * The attribution ladder: trace token → send log → VERP → declared headers
 * (Feedback-ID, CFBL-Feedback-ID, configured names) → sender domain → unmatched. Every rung is
 * tried and every hit kept; the best (highest confidence) is the answer, with its reason.
 */
export function attributeReport(report: ParsedReport, l: AttributionLookups): Attribution {
  const hits: AttributionHit[] = [];
  const ids = report.identifiers;
  let rejectedToken = false;

  // 1. Trace token: authenticated, so certain.
  if (ids.traceToken) {
    const t = l.openToken(ids.traceToken);
    if (!t) rejectedToken = true;
    else {
      const send = t.sendId !== undefined ? l.sendById(t.sendId) : null;
      const client =
        (t.client ? l.clientBySlug(t.client) : null) ??
        (t.clientId !== undefined ? l.clientById(t.clientId) : null);
      const campaign =
        (t.campaign ? l.campaignBySlug(t.campaign) : null) ??
        (t.campaignId !== undefined ? l.campaignById(t.campaignId) : null);
      if (client) {
        hits.push(
          hit(
            'trace-token',
            CONFIDENCE['trace-token'],
            client,
            campaign,
            `trace token opened: client ${client.slug}${campaign ? `, campaign ${campaign.slug}` : ''}`,
            { recipient: t.recipient ?? send?.recipient ?? null, sendId: send?.id ?? t.sendId ?? null },
          ),
        );
      }
    }
  }
  // 2. Send log by the original's Message-ID.
  const mid = report.original?.messageId;
  if (mid) {
    const send = l.sendByMessageId(normalizeMessageId(mid));
    const client = send ? l.clientById(send.clientId) : null;
    if (send && client) {
      const campaign = send.campaignId !== null ? l.campaignById(send.campaignId) : null;
      hits.push(
        hit(
          'send-log',
          CONFIDENCE['send-log'],
          client,
          campaign,
          `send log: Message-ID ${mid} was sent to ${send.recipient} at ${send.sentAt}`,
          { recipient: send.recipient, sendId: send.id },
        ),
      );
    }
  }
  // 4. VERP groups (client, campaign) from the Return-Path.
  if (ids.verp) {
    const v = ids.verp;
    const campaign = v.campaign ? l.campaignBySlug(v.campaign.toLowerCase()) : null;
    const client =
      (v.client ? l.clientBySlug(v.client.toLowerCase()) : null) ??
      (campaign ? l.clientById(campaign.clientId) : null);
    if (client)
      hits.push(
        hit(
          'verp',
          CONFIDENCE.verp,
          client,
          campaign,
          `VERP Return-Path names client ${client.slug}${campaign ? `, campaign ${campaign.slug}` : ''}`,
          { recipient: v.recipient ?? null },
        ),
      );
  }
  // 3. Declared headers: unsigned, so lower confidence.
  for (const [method, value] of [
    ['feedback-id', ids.feedbackId],
    ['cfbl-feedback-id', ids.cfblFeedbackId],
  ] as const) {
    if (!value) continue;
    const d = declaredIds(value, l);
    if (d)
      hits.push(
        hit(
          method,
          CONFIDENCE[method],
          d.client,
          d.campaign,
          `${method === 'feedback-id' ? 'Feedback-ID' : 'CFBL-Feedback-ID'} "${value}" (unsigned declaration)`,
        ),
      );
  }
  const headerValues = Object.entries(ids.headers);
  if (headerValues.length) {
    const campaign =
      headerValues.map(([, v]) => l.campaignBySlug(v.trim().toLowerCase())).find(Boolean) ?? null;
    const client =
      headerValues.map(([, v]) => l.clientBySlug(v.trim().toLowerCase())).find(Boolean) ??
      (campaign ? l.clientById(campaign.clientId) : null);
    if (client)
      hits.push(
        hit(
          'campaign-header',
          CONFIDENCE['campaign-header'],
          client,
          campaign,
          `campaign header ${headerValues.map(([k, v]) => `${k}: ${v}`).join(', ')}`,
        ),
      );
  }
  // 5. Sender domain: From, then Return-Path, mapped to a client's sending domains (and parents).
  for (const [label, address] of [
    ['From', report.original?.from],
    ['Return-Path', report.original?.returnPath],
  ] as const) {
    let domain = domainOf(address);
    let client: ClientRef | null = null;
    while (domain && !client) {
      client = l.clientByDomain(domain);
      if (!client) domain = domain.includes('.') ? domain.slice(domain.indexOf('.') + 1) : null;
      if (domain && !domain.includes('.')) domain = null;
    }
    if (!client) continue;
    const when = report.original?.date
      ? new Date(report.original.date)
      : report.arrivalDate
        ? new Date(report.arrivalDate)
        : null;
    const campaign = when && !Number.isNaN(when.getTime()) ? l.campaignAt(client.id, when) : null;
    hits.push(
      hit(
        'sender-domain',
        campaign ? CONFIDENCE['sender-domain'] : CONFIDENCE['sender-domain-no-campaign'],
        client,
        campaign,
        `${label} domain ${domain} belongs to ${client.slug}${campaign ? `; campaign ${campaign.slug} guessed by send time` : '; campaign unknown'}`,
      ),
    );
    break;
  }

  hits.sort((a, b) => b.confidence - a.confidence);
  const best = hits[0];
  if (!best) {
    return {
      method: 'unmatched',
      confidence: 0,
      clientId: null,
      client: null,
      campaignId: null,
      campaign: null,
      recipient: null,
      sendId: null,
      reason: rejectedToken
        ? 'no client found; a token-shaped string did not open (forged, corrupted or from an unknown key)'
        : 'no trace token, send, declared header, VERP or sender domain matched a client',
      hits,
      rejectedToken,
    };
  }
  // The best rung decides the client; a lower rung may still supply what it lacks (campaign, recipient) for the same client.
  const same = hits.filter((h) => h.clientId === best.clientId);
  const campaignHit = same.find((h) => h.campaignId !== null);
  const recipientHit = same.find((h) => h.recipient);
  const disagree = hits.filter((h) => h.clientId !== best.clientId);
  const reason = [
    best.reason,
    campaignHit && campaignHit !== best && best.campaignId === null
      ? `campaign from ${campaignHit.method}`
      : null,
    disagree.length
      ? `ignored lower-confidence ${disagree.map((h) => `${h.method} → ${h.client}`).join(', ')}`
      : null,
  ]
    .filter(Boolean)
    .join('; ');
  return {
    method: best.method,
    confidence: best.confidence,
    clientId: best.clientId,
    client: best.client,
    campaignId: best.campaignId ?? campaignHit?.campaignId ?? null,
    campaign: best.campaign ?? campaignHit?.campaign ?? null,
    recipient: best.recipient ?? recipientHit?.recipient ?? null,
    sendId: best.sendId ?? recipientHit?.sendId ?? null,
    reason,
    hits,
    rejectedToken,
  };
}
