import type { Database } from 'better-sqlite3';
import { clientIdBySlug } from '../../store/clients-store.ts';
import { HttpError } from './http-error.ts';

/** A client's row id from its slug; 404 for an unknown client. */
export function clientIdOf(db: Database, slug: string): number {
  const id = clientIdBySlug(db, slug);
  if (id === null) throw new HttpError(404, 'not_found', `client "${slug}" not found`);
  return id;
}
