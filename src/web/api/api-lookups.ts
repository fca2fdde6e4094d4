import type { ApiToken } from '../../auth/api-tokens.ts';
import { LookupCache } from '../../auth/lookup-cache.ts';

/** What the API reads on every request and may reuse for a moment: verified bearer tokens, client ids by slug. */
export interface ApiLookups {
  tokens: LookupCache<ApiToken>;
  clientIds: LookupCache<number>;
}

export function apiLookups(ttlMs: number): ApiLookups {
  return { tokens: new LookupCache(ttlMs), clientIds: new LookupCache(ttlMs) };
}
