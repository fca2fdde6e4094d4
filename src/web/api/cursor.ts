import { HttpError } from './http-error.ts';

/**
 * Opaque pagination cursors: the sort key of the last item of a page, base64url JSON. Clients pass back
 * `nextCursor` as `?cursor=` and must not build one themselves.
 */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends Array<string | number>>(
  cursor: string | undefined,
  shape: Array<'string' | 'number'>,
): T | null {
  if (cursor === undefined || cursor === '') return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((v, i) => typeof v !== shape[i])) {
    throw new HttpError(400, 'invalid_input', 'cursor: not a cursor this API returned', [
      { in: 'query', path: 'cursor', message: 'invalid cursor' },
    ]);
  }
  return key as T;
}

/** A page of `limit` items from `limit + 1` fetched rows: the extra row only says there is a next page. */
export function page<T>(
  rows: T[],
  limit: number,
  keyOf: (last: T) => Array<string | number>,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
