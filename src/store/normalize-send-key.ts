/**
 * A Message-ID as stored and looked up: without the angle brackets of RFC 5322 §3.6.4 and lower-cased,
 * because reports quote the original's Message-ID through MTAs and clients that do not preserve either.
 */
export const normalizeMessageId = (id: string): string =>
  id.trim().replace(/^<+/, '').replace(/>+$/, '').trim().toLowerCase();

/** A recipient address as stored and looked up: trimmed and lower-cased. */
export const normalizeAddress = (a: string): string => a.trim().toLowerCase();
