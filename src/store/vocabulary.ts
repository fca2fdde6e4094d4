/**
 * The fixed vocabularies the database stores, each spelled once. The schema's CHECK constraints must list the
 * same values (test/store/schema-vocabulary.test.ts compares them with a migrated database).
 */
import { reportKinds, type ReportKind } from '../report/parsed-report.ts';

export { reportKinds, type ReportKind };

/** sends.consent_method: how the recipient's address was obtained; asked for at reinstatement and shown on tickets. */
export const consentMethods = [
  'confirmed-opt-in',
  'single-opt-in',
  'implicit',
  'trade-show',
  'affiliate',
  'rented',
  'bought',
  'harvested',
  'other',
] as const;
export type ConsentMethod = (typeof consentMethods)[number];

/** messages.state: waiting for the worker, processed, or given up on after `worker.maxAttempts`. */
export const messageStates = ['queued', 'done', 'quarantined'] as const;
export type MessageState = (typeof messageStates)[number];

/** Where a message came from. */
export const messageSources = ['smtp', 'ingest', 'imap', 'http'] as const;
export type MessageSource = (typeof messageSources)[number];

export const ticketTypes = [
  'incident',
  'complaint',
  'auth-failure',
  'unmatched',
  'other',
  'unsubscribe',
] as const;
export type TicketType = (typeof ticketTypes)[number];

export const ticketStatuses = ['open', 'pending', 'resolved'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

export const ticketEventTypes = ['report', 'action', 'mail', 'note', 'status', 'reply'] as const;
export type TicketEventType = (typeof ticketEventTypes)[number];

export const suppressionReasons = [
  'complaint',
  'opt-out',
  'bounce',
  'unsubscribe',
  'manual',
  'trap',
  'soft-bounce-limit',
] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

/** suppression_changes.change: what happened to a suppression (the sync API's change log). */
export const suppressionChangeKinds = ['added', 'removed', 'expired', 'erased'] as const;
export type SuppressionChangeKind = (typeof suppressionChangeKinds)[number];

/** A suppression holds for one client, or for every client (client_id NULL). */
export const suppressionScopes = ['client', 'global'] as const;
export type SuppressionScope = (typeof suppressionScopes)[number];

/** Staff and API token roles, in order: viewer < agent < admin. */
export const staffRoles = ['viewer', 'agent', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** A client's status; also the enforcement level a signal reaches. Ordered: active < watch < warned < suspended. */
export const clientStatuses = ['active', 'watch', 'warned', 'suspended'] as const;
export type ClientStatus = (typeof clientStatuses)[number];

/** client_status_changes.mode: made, recorded by a dry run, or proposed to staff. */
export const statusChangeModes = ['applied', 'dry-run', 'proposed'] as const;
export type StatusChangeMode = (typeof statusChangeModes)[number];

/** client_signals.signal: what one report says about a client. */
export const signalKinds = [
  'complaint',
  'hard-bounce',
  'soft-bounce',
  'blocklisting',
  'unsubscribe',
  'trap-hit',
] as const;
export type SignalKind = (typeof signalKinds)[number];

/** Why a counted signal may be believed (client_signals.basis); null when it does not count. */
export const signalBases = ['authenticated', 'corroborated', 'unauthenticated'] as const;
export type SignalBasis = (typeof signalBases)[number];

export const trapSources = ['config', 'staff'] as const;
export type TrapSource = (typeof trapSources)[number];

export const outboxKinds = ['mail', 'webhook'] as const;
export type OutboxKind = (typeof outboxKinds)[number];

export const outboxStates = ['pending', 'sent', 'failed'] as const;
export type OutboxState = (typeof outboxStates)[number];

/** unsubscribe_requests.token_form: which trace-token form the one-click link carried. */
export const tokenForms = ['full', 'compact'] as const;
export type TokenForm = (typeof tokenForms)[number];
