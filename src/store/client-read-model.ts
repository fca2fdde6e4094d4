import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import { clientCampaignStats } from './campaigns-store.ts';
import { clientAssessmentJson, clientDomains } from './clients-store.ts';
import { clientStatusHistory, type StatusHistoryEntry } from './enforcement-store.ts';
import { COMPLAINT_REPORT } from './reports-store.ts';
import { sharedListsOfClient, type SharedListFlag } from './shared-lists-store.ts';
import type { ClientAssessment } from '../enforcement/enforce-client.ts';
import type { ClientStatus } from '../enforcement/enforcement-types.ts';

/** A client as lists show it (API, CLI, UI): status, score, lifetime counts and the enforcement window's rates. */
export interface ClientSummary {
  id: number;
  slug: string;
  name: string;
  status: ClientStatus;
  score: number | null;
  language: string;
  contactEmail: string | null;
  webhookUrl: string | null;
  statusChangedAt: string | null;
  assessedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Lifetime: complaint reports (FBL except not-spam, and human complaints) charged to the client, whatever their trust. */
  complaints: number;
  bounces: number;
  suppressions: number;
  openTickets: number;
  /** Lifetime sent and delivered, from the campaigns' counts. */
  sent: number;
  delivered: number;
  complaintRate: number | null;
  bounceRate: number | null;
  /** Rates over the enforcement window from counted signals (null before the first assessment or without volume). */
  window: {
    start: string;
    complaintRate: number | null;
    hardBounceRate: number | null;
    unsubscribeRate: number | null;
    fblShare: number | null;
  } | null;
}

export interface ClientDetail extends ClientSummary {
  domains: string[];
  campaigns: Array<{
    slug: string;
    name: string;
    sent: number;
    delivered: number;
    engaged: number | null;
    startedAt: string | null;
    complaints: number;
    bounces: number;
  }>;
  enforcement: ClientAssessment | null;
  history: StatusHistoryEntry[];
  /** Complainants and traps also reported against other clients: a possible shared, rented or bought list. */
  sharedLists: SharedListFlag[];
}

const summarySql = `SELECT c.id, c.slug, c.name, c.status, c.score, c.language, c.contact_email AS contactEmail, c.webhook_url AS webhookUrl,
    c.status_changed_at AS statusChangedAt, c.assessed_at AS assessedAt, c.created_at AS createdAt, c.updated_at AS updatedAt, c.assessment,
    (SELECT count(*) FROM reports r WHERE r.client_id = c.id AND ${COMPLAINT_REPORT}) AS complaints,
    (SELECT count(*) FROM reports r WHERE r.client_id = c.id AND r.kind = 'bounce') AS bounces,
    (SELECT count(*) FROM suppressions s WHERE s.client_id = c.id) AS suppressions,
    (SELECT count(*) FROM tickets t WHERE t.client_id = c.id AND t.status <> 'resolved') AS openTickets,
    (SELECT coalesce(sum(sent), 0) FROM campaigns k WHERE k.client_id = c.id) AS sent,
    (SELECT coalesce(sum(delivered), 0) FROM campaigns k WHERE k.client_id = c.id) AS delivered
  FROM clients c WHERE (@status IS NULL OR c.status = @status) AND (@slug IS NULL OR c.slug = @slug)
    AND (@after IS NULL OR c.slug > @after) ORDER BY c.slug LIMIT @limit`;

type SummaryRow = Omit<ClientSummary, 'complaintRate' | 'bounceRate' | 'window'> & {
  assessment: string | null;
};

const ratio = (k: number, n: number): number | null => (n > 0 ? k / n : null);

/** The window's rates as the assessment judged them (the client scope's signals). */
function windowRates(a: ClientAssessment): NonNullable<ClientSummary['window']> {
  const value = (signal: string): number | null => {
    const s = a.assessment.signals.find((x) => x.signal === signal && x.campaign === null);
    return s && s.n ? s.value : null;
  };
  return {
    start: a.facts.windowStart,
    complaintRate: value('complaintRate'),
    hardBounceRate: value('hardBounceRate'),
    unsubscribeRate: value('unsubscribeRate'),
    fblShare: a.facts.fblShare,
  };
}

const toSummary = ({ assessment, ...r }: SummaryRow): ClientSummary => ({
  ...r,
  complaintRate: ratio(r.complaints, r.delivered),
  bounceRate: ratio(r.bounces, r.sent),
  window: assessment ? windowRates(JSON.parse(assessment) as ClientAssessment) : null,
});

export function clientSummaries(
  db: Database,
  o: { status?: string | undefined; slug?: string | undefined } = {},
): ClientSummary[] {
  const rows = prepared(db, summarySql).all({
    status: o.status ?? null,
    slug: o.slug ?? null,
    after: null,
    limit: -1,
  }) as SummaryRow[];
  return rows.map(toSummary);
}

/** Summaries in slug order after `after` (a slug, exclusive), at most `limit` (null: all), read one at a time. */
export function* iterateClientSummaries(
  db: Database,
  o: { status?: string | undefined; after?: string | null; limit: number | null },
): Generator<ClientSummary> {
  const rows = prepared(db, summarySql).iterate({
    status: o.status ?? null,
    slug: null,
    after: o.after ?? null,
    limit: o.limit ?? -1,
  }) as IterableIterator<SummaryRow>;
  for (const r of rows) yield toSummary(r);
}

export function countClientSummaries(db: Database, o: { status?: string | undefined } = {}): number {
  return prepared(db, 'SELECT count(*) FROM clients WHERE (@status IS NULL OR status = @status)')
    .pluck()
    .get({ status: o.status ?? null }) as number;
}

/** The default window of cross-client list intelligence, in days (config `enforcement.sharedListDays`). */
export const SHARED_LIST_DAYS = 90;

export function clientDetail(
  db: Database,
  slug: string,
  o: { sharedListDays?: number; now?: Date } = {},
): ClientDetail | null {
  const c = clientSummaries(db, { slug })[0];
  if (!c) return null;
  const domains = clientDomains(db, c.id);
  const campaigns = clientCampaignStats(db, c.id);
  const assessment = clientAssessmentJson(db, c.id);
  return {
    ...c,
    domains,
    campaigns,
    enforcement: assessment ? (JSON.parse(assessment) as ClientAssessment) : null,
    history: clientStatusHistory(db, c.id, 50),
    sharedLists: sharedListsOfClient(
      db,
      c.id,
      new Date(
        (o.now ?? new Date()).getTime() - (o.sharedListDays ?? SHARED_LIST_DAYS) * 86_400_000,
      ).toISOString(),
    ),
  };
}
