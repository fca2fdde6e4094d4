import { describe, expect, it } from 'vitest';
import { attributeReport } from '../../src/attribute/attribute-report.ts';
import type {
  AttributionLookups,
  CampaignRef,
  ClientRef,
  SendRef,
} from '../../src/attribute/attribution-lookups.ts';
import type { ParsedReport } from '../../src/report/parsed-report.ts';

const clients: ClientRef[] = [
  { id: 1, slug: 'acme' },
  { id: 2, slug: 'globex' },
];
const campaigns: CampaignRef[] = [
  { id: 10, slug: 'acme-spring-sale', clientId: 1 },
  { id: 11, slug: 'acme-weekly-news', clientId: 1 },
  { id: 20, slug: 'globex-webinar', clientId: 2 },
];
const sends: Array<SendRef & { messageId: string }> = [
  {
    id: 500,
    messageId: 'send-1@news.acme.example',
    recipient: 'jane@example.net',
    clientId: 1,
    campaignId: 11,
    sentAt: '2026-11-20T08:00:00Z',
  },
];

const lookups: AttributionLookups = {
  openToken: (t) =>
    t === 'adt1VALID'
      ? { client: 'acme', campaign: 'acme-spring-sale', recipient: 'tok@example.net' }
      : t === 'adt2COMPACT'
        ? { clientId: 1, campaignId: 10, sendId: 500 }
        : null,
  clientBySlug: (s) => clients.find((c) => c.slug === s) ?? null,
  clientById: (id) => clients.find((c) => c.id === id) ?? null,
  campaignBySlug: (s) => campaigns.find((c) => c.slug === s) ?? null,
  campaignById: (id) => campaigns.find((c) => c.id === id) ?? null,
  sendById: (id) => sends.find((s) => s.id === id) ?? null,
  sendByMessageId: (m) => sends.find((s) => s.messageId === m) ?? null,
  clientByDomain: (d) =>
    d === 'news.acme.example' ? clients[0]! : d === 'globex.example' ? clients[1]! : null,
  campaignAt: (clientId, at) => (clientId === 1 && at >= new Date('2026-11-16') ? campaigns[1]! : null),
};

function report(p: {
  identifiers?: Partial<ParsedReport['identifiers']>;
  original?: Partial<NonNullable<ParsedReport['original']>> | null;
}): ParsedReport {
  return {
    kind: 'fbl',
    reason: 'test',
    feedbackType: 'abuse',
    provider: null,
    userAgent: null,
    reporter: null,
    complainants: [],
    redacted: true,
    bounces: [],
    original:
      p.original === null
        ? null
        : {
            messageId: null,
            from: null,
            to: [],
            subject: null,
            date: null,
            returnPath: null,
            headersOnly: false,
            ...p.original,
          },
    identifiers: {
      traceToken: null,
      feedbackId: null,
      cfblFeedbackId: null,
      verp: null,
      listUnsubscribe: [],
      headers: {},
      ...p.identifiers,
    },
    sourceIp: null,
    arrivalDate: null,
    auth: null,
  };
}

describe('attributeReport (the ladder)', () => {
  it('a trace token is certain and recovers the recipient', () => {
    const a = attributeReport(
      report({ identifiers: { traceToken: 'adt1VALID', feedbackId: 'globex-webinar:globex:x:esp' } }),
      lookups,
    );
    expect(a).toMatchObject({
      method: 'trace-token',
      confidence: 1,
      client: 'acme',
      campaign: 'acme-spring-sale',
      recipient: 'tok@example.net',
    });
    // the disagreeing, weaker rung is kept and named
    expect(a.hits.map((h) => h.method)).toEqual(['trace-token', 'feedback-id']);
    expect(a.reason).toMatch(/ignored lower-confidence feedback-id → globex/);
  });

  it('a compact token finds its send row for the recipient', () => {
    expect(attributeReport(report({ identifiers: { traceToken: 'adt2COMPACT' } }), lookups)).toMatchObject({
      method: 'trace-token',
      client: 'acme',
      campaign: 'acme-spring-sale',
      recipient: 'jane@example.net',
      sendId: 500,
    });
  });

  it('a token that does not open is evidence of nothing', () => {
    const a = attributeReport(report({ identifiers: { traceToken: 'adt1FORGED' } }), lookups);
    expect(a).toMatchObject({ method: 'unmatched', clientId: null, rejectedToken: true });
    expect(a.reason).toMatch(/did not open/);
  });

  it('the send log finds client, campaign and recipient by the original Message-ID', () => {
    expect(
      attributeReport(report({ original: { messageId: '<Send-1@news.acme.example>' } }), lookups),
    ).toMatchObject({
      method: 'send-log',
      confidence: 0.95,
      client: 'acme',
      campaign: 'acme-weekly-news',
      recipient: 'jane@example.net',
    });
  });

  it('declared headers: Feedback-ID, then configured campaign headers, with lower confidence', () => {
    expect(
      attributeReport(
        report({ identifiers: { feedbackId: 'acme-spring-sale:acme:newsletter:esp' } }),
        lookups,
      ),
    ).toMatchObject({ method: 'feedback-id', confidence: 0.7, client: 'acme', campaign: 'acme-spring-sale' });
    expect(
      attributeReport(report({ identifiers: { headers: { 'X-Campaign-ID': 'globex-webinar' } } }), lookups),
    ).toMatchObject({ method: 'campaign-header', client: 'globex', campaign: 'globex-webinar' });
  });

  it('VERP groups name the client and campaign', () => {
    expect(
      attributeReport(
        report({ identifiers: { verp: { client: 'acme', campaign: 'acme-spring-sale' } } }),
        lookups,
      ),
    ).toMatchObject({ method: 'verp', client: 'acme', campaign: 'acme-spring-sale' });
  });

  it('sender domain (or a parent domain) knows the client and guesses the campaign by time', () => {
    expect(
      attributeReport(
        report({ original: { from: 'Acme <offers@news.acme.example>', date: '2026-11-18T10:00:00Z' } }),
        lookups,
      ),
    ).toMatchObject({
      method: 'sender-domain',
      client: 'acme',
      campaign: 'acme-weekly-news',
      confidence: 0.4,
    });
    expect(attributeReport(report({ original: { from: 'x@mail.globex.example' } }), lookups)).toMatchObject({
      method: 'sender-domain',
      client: 'globex',
      campaign: null,
      confidence: 0.3,
    });
  });

  it('a lower rung fills in the campaign the best rung lacks, for the same client only', () => {
    const a = attributeReport(
      report({
        original: { from: 'offers@news.acme.example' },
        identifiers: { feedbackId: 'acme-spring-sale:acme:n:esp' },
      }),
      lookups,
    );
    expect(a).toMatchObject({ method: 'feedback-id', campaign: 'acme-spring-sale' });
  });

  it('nothing matches: unmatched with a reason', () => {
    expect(
      attributeReport(report({ original: { from: 'spammer@elsewhere.example' } }), lookups),
    ).toMatchObject({ method: 'unmatched', confidence: 0, client: null, hits: [] });
  });
});
