import type { Database } from 'better-sqlite3';
import { prepared } from '../../db/prepared.ts';
import { HttpError } from './http-error.ts';

/** A client's row id from its slug; 404 for an unknown client. */
export function clientIdOf(db: Database, slug: string): number {
  const row = prepared(db, 'SELECT id FROM clients WHERE slug = ?').get(slug) as { id: number } | undefined;
  if (!row) throw new HttpError(404, 'not_found', `client "${slug}" not found`);
  return row.id;
}
