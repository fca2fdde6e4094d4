import type { Database } from 'better-sqlite3';
import { clientIdBySlug } from '../../store/clients-store.ts';
import { HttpError } from './http-error.ts';
import type { LookupCache } from '../../auth/lookup-cache.ts';

/** A client's row id from its slug (kept in `cache` when given); 404 for an unknown client. */
export function clientIdOf(db: Database, slug: string, cache?: LookupCache<number>): number {
  const cached = cache?.get(slug);
  if (cached !== undefined) return cached;
  const id = clientIdBySlug(db, slug);
  if (id === null) throw new HttpError(404, 'not_found', `client "${slug}" not found`);
  cache?.set(slug, id);
  return id;
}
