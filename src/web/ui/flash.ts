import { html, type SafeHtml } from './html.ts';

/**
 * Flash messages after a POST-redirect-GET. The URL carries only a key from this table and, at most, a
 * count and a reference (an id such as a ticket, queue or webhook id), each checked against a narrow
 * pattern: the text a user sees is always ours, never words taken from the URL.
 */
const MESSAGES = {
  'tickets.bulk': (p: FlashParams) => `${p.n ?? 0} ticket(s) set to ${p.ref ?? 'the chosen status'}.`,
  'ticket.status': (p: FlashParams) => `Ticket ${p.ref ?? ''} updated.`,
  'ticket.note': () => 'Note added.',
  'ticket.unsuppressed': () => 'Suppression removed.',
  'quarantine.requeued': (p: FlashParams) => `${p.ref ?? 'The message'} queued again.`,
  'webhook.replayed': (p: FlashParams) => `Webhook ${p.ref ?? ''} queued for delivery.`,
  'client.status': (p: FlashParams) => `Client status set to ${p.ref ?? 'the new status'}.`,
  'client.reinstated': () => 'Client reinstated.',
} satisfies Record<string, (p: FlashParams) => string>;

export type FlashKey = keyof typeof MESSAGES;

/** The query values a page reads its flash from. */
export interface FlashQuery {
  flash?: string;
  n?: string;
  ref?: string;
}

export interface FlashParams {
  /** A count (digits only). */
  n?: number | undefined;
  /** An identifier or vocabulary word: letters, digits, `.`, `_`, `-`, `:` (≤ 64). */
  ref?: string | undefined;
}

const REF = /^[A-Za-z0-9._:-]{1,64}$/;

/** Extra keys registered by feature modules (one table per page family keeps them near their routes). */
const extra = new Map<string, (p: FlashParams) => string>();

/** Adds keyed messages; a key may be registered once. */
export function registerFlash(messages: Record<string, (p: FlashParams) => string>): void {
  for (const [k, f] of Object.entries(messages)) {
    if (k in MESSAGES || extra.has(k)) throw new Error(`flash key ${k} registered twice`);
    extra.set(k, f);
  }
}

/** `path?flash=key&n=…&ref=…` (keeps any query already on `path`). */
export function flashUrl(path: string, key: string, params: FlashParams = {}): string {
  // A typo would silently show no notice: fail loudly instead (keys are registered at module load).
  if (!(key in MESSAGES) && !extra.has(key)) throw new Error(`unknown flash key ${key}`);
  const q = new URLSearchParams({ flash: key });
  if (params.n !== undefined) q.set('n', String(Math.trunc(params.n)));
  if (params.ref !== undefined && REF.test(params.ref)) q.set('ref', params.ref);
  return `${path}${path.includes('?') ? '&' : '?'}${q.toString()}`;
}

/** The message for a request's `flash`, `n` and `ref` query values; undefined for an unknown key. */
export function flashText(query: { flash?: unknown; n?: unknown; ref?: unknown }): string | undefined {
  const key = typeof query.flash === 'string' ? query.flash : undefined;
  if (!key) return undefined;
  const f = (MESSAGES as Record<string, (p: FlashParams) => string>)[key] ?? extra.get(key);
  if (!f) return undefined;
  const n = typeof query.n === 'string' && /^\d{1,9}$/.test(query.n) ? Number(query.n) : undefined;
  const ref = typeof query.ref === 'string' && REF.test(query.ref) ? query.ref : undefined;
  return f({ n, ref });
}

/** The notice paragraph for a page (empty when the query has no known flash). */
export function flashNotice(query: { flash?: unknown; n?: unknown; ref?: unknown }): SafeHtml {
  const text = flashText(query);
  return text ? html`<p class="notice" role="status">${text}</p>` : html``;
}
