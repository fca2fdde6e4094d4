import type { InboxStatusChoice } from '../../store/ticket-inbox.ts';

/** What a saved view sets; anything the staff member picks in the filter form overrides it. */
export interface InboxViewFilters {
  status?: InboxStatusChoice;
  /** `me`: the logged-in staff member; `none`: nobody. */
  assignee?: 'me' | 'none';
  type?: string;
  trust?: 'trusted' | 'unverified';
  /** Resolved since the start of this UTC day. */
  resolved?: 'today';
}

export interface InboxView {
  id: string;
  label: string;
  filters: InboxViewFilters;
}

/** The built-in views, linked at the top of the inbox, in this order. */
export const INBOX_VIEWS: readonly InboxView[] = [
  { id: 'mine', label: 'My open', filters: { assignee: 'me', status: 'unresolved' } },
  { id: 'unassigned', label: 'Unassigned', filters: { assignee: 'none', status: 'unresolved' } },
  { id: 'unmatched', label: 'Unmatched', filters: { type: 'unmatched', status: 'unresolved' } },
  { id: 'untrusted', label: 'Untrusted', filters: { trust: 'unverified', status: 'unresolved' } },
  { id: 'pending', label: 'Pending', filters: { status: 'pending' } },
  { id: 'resolved-today', label: 'Resolved today', filters: { status: 'resolved', resolved: 'today' } },
];

export const inboxView = (id: string | undefined): InboxView | undefined =>
  INBOX_VIEWS.find((v) => v.id === id);
