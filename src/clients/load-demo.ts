import { readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { campaignInputSchema, clientInputSchema } from './client-records.ts';
import { countClients, upsertCampaign, upsertClient } from '../store/clients-store.ts';
import { projectUrl } from '../runtime/project-root.ts';

const demoDir = projectUrl('data', 'demo/');

const jsonl = (name: string): unknown[] =>
  readFileSync(new URL(name, demoDir), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);

/** Loads data/demo (clients acme, globex, initech and their campaigns) when the database has no clients. */
export function loadDemoIfEmpty(db: Database, now: Date): { clients: number; campaigns: number } | null {
  if (countClients(db) > 0) return null;
  const clients = jsonl('clients.jsonl').map((c) => clientInputSchema.parse(c));
  const campaigns = jsonl('campaigns.jsonl').map((c) => campaignInputSchema.parse(c));
  db.transaction(() => {
    for (const c of clients) upsertClient(db, c, now);
    for (const c of campaigns) upsertCampaign(db, c, now);
  })();
  return { clients: clients.length, campaigns: campaigns.length };
}

/** Slugs of the demo clients (data/demo/clients.jsonl). */
export function demoClientSlugs(): string[] {
  return jsonl('clients.jsonl').map((c) => clientInputSchema.parse(c).slug);
}
