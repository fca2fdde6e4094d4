import { isHardBounce, type BounceReason } from '../../report/bounce-reason.ts';
import { classifyDiagnostic } from '../../extract/bounce/classify-diagnostic.ts';
import { findEnhancedStatus } from '../../extract/bounce/enhanced-status.ts';
import { firstAddress } from '../../extract/parse-addresses.ts';
import { headerMapOf, type ReportedOriginal } from '../../report/reported-original.ts';
import { toIsoDate } from '../../extract/to-iso-date.ts';
import type { BounceDetail } from '../../report/parsed-report.ts';
import { obj, str, type Json } from './json-values.ts';

/** What one ESP event means for us; a mail's kind is the highest of its events' (complaint first). */
export type EspCategory = 'complaint' | 'bounce' | 'unsubscribe' | 'other';

export interface EspEvent {
  category: EspCategory;
  /** The ESP's own name for the event, as the reason states it: "bounce", "dropped", "Bounce/HardBounce". */
  name: string;
  /** The address the event is about: complainant, unsubscriber, delivered-to (bounces list theirs in `bounces`). */
  recipients: string[];
  bounces: BounceDetail[];
  feedbackType?: string | null;
  userAgent?: string | null;
  /** When it happened, ISO 8601. */
  date?: string | null;
  /** The IP address the reported message was sent from, when the event names it. */
  sourceIp?: string | null;
  original: ReportedOriginal | null;
  /** The provider's own classification, for the reason ("bounceType Permanent/General"). */
  note?: string | null;
}

/**
 * A batch from a JSON list: every element must be this ESP's event (or the JSON is not this ESP's at all), and
 * at most MAX_EVENTS are read; null when nothing readable remains.
 */
export function espBatch(
  list: readonly unknown[],
  isEvent: (e: unknown) => e is Json,
  toEvents: (e: Json) => EspEvent[],
  provider: string,
  label: string,
): EspBatch | null {
  const items = list.filter(isEvent);
  if (list.length === 0 || items.length !== list.length) return null;
  const events = items.slice(0, MAX_EVENTS).flatMap(toEvents);
  return events.length > 0 ? { provider, label, events, total: list.length } : null;
}

export interface EspBatch {
  /** Provider name as `ParsedReport.provider` gives it: "amazon-ses", "sendgrid", … */
  provider: string;
  /** What the JSON is, for the reason: "Amazon SES notification (SNS)". */
  label: string;
  events: EspEvent[];
  /** Events the JSON holds, including any past MAX_EVENTS. */
  total: number;
}

/** Most events read from one mail (SendGrid and SparkPost batch up to a thousand or so). */
export const MAX_EVENTS = 200;
/** Most recipients read from one event (an SES bounce lists every failed recipient of the message). */
export const MAX_RECIPIENTS = 200;

/** A failed recipient. `permanent` is the provider's own verdict; hard needs a dead-address reason too. */
export function failure(f: {
  recipient: string;
  reason: BounceReason;
  permanent: boolean;
  status?: string | null;
  action?: string | null;
  diagnostic?: string | null;
  remoteMta?: string | null;
}): BounceDetail {
  const status = f.status ?? null;
  const action = f.action ?? 'failed';
  return {
    recipient: f.recipient,
    status,
    action,
    reason: f.reason,
    hard: isHardBounce(f.reason, status, !f.permanent || action === 'delayed'),
    diagnostic: f.diagnostic ?? null,
    remoteMta: f.remoteMta ?? null,
  };
}

/** The enhanced status a diagnostic states ("550 5.1.1 …" → "5.1.1"), or null. */
export function statusOf(diagnostic: string | null): string | null {
  return diagnostic ? findEnhancedStatus(diagnostic) : null;
}

/**
 * The reason the diagnostic text (or status) gives; `fallback` when it says nothing definite (onhold or
 * undefined), and only reasons in `family` are taken from the text when a family is given.
 */
export function diagnosticReason(
  diagnostic: string | null,
  status: string | null,
  delayed: boolean,
  fallback?: BounceReason,
  family?: ReadonlySet<BounceReason>,
): BounceReason {
  const r = classifyDiagnostic(diagnostic ?? '', status, delayed).reason;
  if (family) return family.has(r) ? r : (fallback ?? r);
  return (r === 'onhold' || r === 'undefined') && fallback ? fallback : r;
}

export const DEAD_FAMILY: ReadonlySet<BounceReason> = new Set([
  'userunknown',
  'hostunknown',
  'hasmoved',
  'notaccept',
  'suspend',
]);
export const CONTENT_FAMILY: ReadonlySet<BounceReason> = new Set([
  'spamdetected',
  'virusdetected',
  'contenterror',
  'policyviolation',
  'notcompliantrfc',
]);
export const BLOCK_FAMILY: ReadonlySet<BounceReason> = new Set([
  'blocked',
  'blocklisted',
  'badreputation',
  'requireptr',
  'authfailure',
  'rejected',
]);

/** A rejected attachment: a virus when the text says so, otherwise content the destination refused. */
export function attachmentReason(diagnostic: string | null): BounceReason {
  return /virus|malware|infected|trojan/i.test(diagnostic ?? '') ? 'virusdetected' : 'contenterror';
}

/** Rejected content: spam when the text says so (or the rules recognise it), otherwise a content error. */
export function contentReason(diagnostic: string | null, status: string | null): BounceReason {
  const r = classifyDiagnostic(diagnostic ?? '', status).reason;
  if (CONTENT_FAMILY.has(r)) return r;
  return /spam|junk|bulk/i.test(diagnostic ?? '') ? 'spamdetected' : 'contenterror';
}

/** A date from epoch seconds (SendGrid, Mailgun, SparkPost) or an ISO/RFC 5322 string. */
export function eventDate(v: unknown): string | null {
  if (typeof v === 'number' || (typeof v === 'string' && /^\d{9,11}(?:\.\d+)?$/.test(v))) {
    const ms = Number(v) * 1000;
    return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
  }
  return toIsoDate(str(v));
}

/** The first address in a field, lower-cased, or null (ESPs sometimes send "Name <addr>"). */
export function addressOf(v: unknown): string | null {
  return firstAddress(str(v));
}

const HEADER_NAME = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+$/;
const MAX_META = 50;

/**
 * Custom arguments (SendGrid unique args, Mailgun user-variables, Postmark Metadata, SparkPost rcpt_meta)
 * named like header fields — "X-Abusedesk-Trace", "Feedback-ID", "X-Campaign-ID" — as header pairs:
 * senders copy the headers attribution reads into them because the event carries no headers.
 */
export function metadataHeaders(meta: unknown, skip: ReadonlySet<string> = new Set()): [string, string][] {
  const o = obj(meta);
  if (!o) return [];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(o)) {
    if (out.length >= MAX_META) break;
    if (!HEADER_NAME.test(k) || skip.has(k.toLowerCase())) continue;
    const value = typeof v === 'number' ? String(v) : str(v);
    if (value !== null && value.length <= 998) out.push([k, value]);
  }
  return out;
}

/** The original as header pairs only (ESP events never carry the body); null when nothing is known. */
export function originalOf(pairs: [string, string | null | undefined][]): ReportedOriginal | null {
  const kept = pairs.filter((p): p is [string, string] => typeof p[1] === 'string' && p[1].trim() !== '');
  if (kept.length === 0) return null;
  return {
    headers: headerMapOf(kept),
    rawHeaders: kept.map(([n, v]) => `${n}: ${v}`).join('\n'),
    bodyText: '',
    html: '',
    headersOnly: true,
  };
}
