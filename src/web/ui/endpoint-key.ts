import { createHash } from 'node:crypto';

/**
 * A short stable key for an endpoint URL, for links that filter the delivery log to one endpoint: a URL may
 * carry a credential (a token in its query), which must not end up in links, history or server logs.
 */
export const endpointKey = (url: string): string =>
  createHash('sha256').update(url).digest('hex').slice(0, 16);

export const ENDPOINT_KEY = /^[0-9a-f]{16}$/;
