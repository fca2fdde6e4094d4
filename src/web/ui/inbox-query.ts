import {
  inboxPageSizes,
  inboxSorts,
  inboxStatusChoices,
  type InboxPageRequest,
  type InboxSort,
  type InboxStatusChoice,
} from '../../store/ticket-inbox.ts';
import { inboxView, type InboxView } from './inbox-views.ts';

/** The inbox's URL state: what the links and forms carry. Every value is a plain string, '' when unset. */
export interface InboxState {
  view: string;
  q: string;
  status: string;
  type: string;
  client: string;
  campaign: string;
  trust: string;
  assignee: string;
  from: string;
  to: string;
  sort: string;
  size: string;
}

/** The query keys of the state, in the order links spell them. */
export const STATE_KEYS: ReadonlyArray<keyof InboxState> = [
  'view',
  'q',
  'status',
  'type',
  'client',
  'campaign',
  'trust',
  'assignee',
  'from',
  'to',
  'sort',
  'size',
];

export type InboxQuery = Partial<Record<keyof InboxState | 'after' | 'before' | 'select', unknown>>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, 200) : undefined);

/** The state a request asks for: the saved view's filters, overridden by what the query sets. */
export function readInboxState(q: InboxQuery): { state: InboxState; view: InboxView | undefined } {
  const view = inboxView(str(q.view));
  const base = view?.filters ?? {};
  const pick = <T extends string>(v: string | undefined, allowed: readonly T[], fallback: T): T =>
    allowed.includes(v as T) ? (v as T) : fallback;
  const state: InboxState = {
    view: view?.id ?? '',
    q: str(q.q)?.trim() ?? '',
    status: pick<InboxStatusChoice>(str(q.status) ?? base.status, inboxStatusChoices, 'open'),
    type: str(q.type) ?? base.type ?? '',
    client: str(q.client) ?? '',
    campaign: str(q.campaign) ?? '',
    trust: str(q.trust) ?? base.trust ?? '',
    assignee: pick(str(q.assignee) ?? base.assignee ?? '', ['', 'me', 'none'], ''),
    from: str(q.from) ?? '',
    to: str(q.to) ?? '',
    sort: pick<InboxSort>(str(q.sort), inboxSorts, 'active'),
    size: pick(str(q.size), inboxPageSizes.map(String), String(inboxPageSizes[0])),
  };
  return { state, view };
}

/** The store request for a state: `me` is the logged-in staff member, `today` starts at 00:00 UTC. */
export function inboxRequest(
  state: InboxState,
  view: InboxView | undefined,
  cursor: { after?: string | undefined; before?: string | undefined },
  me: number,
  now: Date,
): InboxPageRequest {
  return {
    status: state.status as InboxStatusChoice,
    type: state.type || undefined,
    client: state.client || undefined,
    campaign: state.campaign || undefined,
    trust: state.trust || undefined,
    assignee: state.assignee === 'me' ? me : state.assignee === 'none' ? 'none' : undefined,
    from: state.from || undefined,
    to: state.to || undefined,
    resolvedSince:
      view?.filters.resolved === 'today' ? `${now.toISOString().slice(0, 10)}T00:00:00.000Z` : undefined,
    q: state.q || undefined,
    sort: state.sort as InboxSort,
    size: Number(state.size),
    ...cursor,
  };
}

const DEFAULTS: Partial<InboxState> = { sort: 'active', size: String(inboxPageSizes[0]) };

/** `/ui/?…` for a state with some values changed (defaults and empty values left out). */
export function inboxHref(state: InboxState, change: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  const all: Record<string, string | undefined> = { ...state, ...change };
  for (const k of [...STATE_KEYS, 'after', 'before', 'select']) {
    const v = all[k];
    if (v && DEFAULTS[k as keyof InboxState] !== v) q.set(k, v);
  }
  const s = q.toString();
  return s ? `/ui/?${s}` : '/ui/';
}

/** A return address posted with the bulk form, rebuilt from known keys only (never an open redirect). */
export function safeReturn(value: string): string {
  const q = new URLSearchParams(value.startsWith('/ui/?') ? value.slice(5) : '');
  const { state } = readInboxState(Object.fromEntries(q));
  const after = q.get('after') ?? undefined;
  const before = q.get('before') ?? undefined;
  return inboxHref(state, {
    after: after && /^[\w-]{1,200}$/.test(after) ? after : undefined,
    before: before && /^[\w-]{1,200}$/.test(before) ? before : undefined,
  });
}
