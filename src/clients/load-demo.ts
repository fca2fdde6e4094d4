import { readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { campaignInputSchema, clientInputSchema } from './client-records.ts';
import { upsertCampaign, upsertClient } from './client-store.ts';

const demoDir = new URL('../../data/demo/', import.meta.url);

const jsonl = (name: string): unknown[] =>
  readFileSync(new URL(name, demoDir), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);

/** Loads data/demo (clients acme, globex, initech and their campaigns) when the database has no clients. */
export function loadDemoIfEmpty(db: Database, now: Date): { clients: number; campaigns: number } | null {
  const { n } = db.prepare('SELECT count(*) AS n FROM clients').get() as { n: number };
  if (n > 0) return null;
  const clients = jsonl('clients.jsonl').map((c) => clientInputSchema.parse(c));
  const campaigns = jsonl('campaigns.jsonl').map((c) => campaignInputSchema.parse(c));
  db.transaction(() => {
    for (const c of clients) upsertClient(db, c, now);
    for (const c of campaigns) upsertCampaign(db, c, now);
  })();
  return { clients: clients.length, campaigns: campaigns.length };
}
