import { readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { campaignInputSchema, clientInputSchema, type CampaignInput } from './client-records.ts';
import { countClients, upsertCampaign, upsertClient } from '../store/clients-store.ts';
import { projectUrl } from '../runtime/project-root.ts';

const demoDir = projectUrl('data', 'demo/');

const jsonl = (name: string): unknown[] =>
  readFileSync(new URL(name, demoDir), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);

const DAY_MS = 86_400_000;

/** data/demo/dates.json: the day the demo's dates were written for. */
const demoDatesSchema = z.object({ asOf: z.string().datetime({ offset: true }) });

/**
 * How far the demo's dates move when loaded at `now`: by the whole days since `asOf`, so that its campaigns are
 * as recent at every load as they were that day (enforcement counts only campaigns started within its window,
 * 30 days by default, and a demo loaded months later would show no rate at all). Never backwards: loaded
 * before `asOf` (a test's fixed clock), the dates stay as written.
 */
export function demoDateShiftDays(now: Date, asOf: Date): number {
  return Math.max(0, Math.floor((now.getTime() - asOf.getTime()) / DAY_MS));
}

const shiftCampaign = (c: CampaignInput, days: number): CampaignInput =>
  c.startedAt && days > 0
    ? { ...c, startedAt: new Date(Date.parse(c.startedAt) + days * DAY_MS).toISOString() }
    : c;

// A type, not an interface: the demo.loaded log event takes it as its fields.
export type DemoLoaded = {
  clients: number;
  campaigns: number;
  /** Days the campaigns' dates were moved forward from data/demo (0 on the day they were written for). */
  datesMovedDays: number;
};

/**
 * Loads data/demo (clients acme, globex, initech and their campaigns) when the database has no clients, the
 * campaigns' start dates moved forward by the time since data/demo/dates.json's `asOf`.
 */
export function loadDemoIfEmpty(db: Database, now: Date): DemoLoaded | null {
  if (countClients(db) > 0) return null;
  const { asOf } = demoDatesSchema.parse(JSON.parse(readFileSync(new URL('dates.json', demoDir), 'utf8')));
  const days = demoDateShiftDays(now, new Date(asOf));
  const clients = jsonl('clients.jsonl').map((c) => clientInputSchema.parse(c));
  const campaigns = jsonl('campaigns.jsonl').map((c) => shiftCampaign(campaignInputSchema.parse(c), days));
  db.transaction(() => {
    for (const c of clients) upsertClient(db, c, now);
    for (const c of campaigns) upsertCampaign(db, c, now);
  })();
  return { clients: clients.length, campaigns: campaigns.length, datesMovedDays: days };
}

/** Slugs of the demo clients (data/demo/clients.jsonl). */
export function demoClientSlugs(): string[] {
  return jsonl('clients.jsonl').map((c) => clientInputSchema.parse(c).slug);
}
