import type { DnsResolver } from '../authenticate/dns-resolver.ts';
import type { ProviderRegistry } from '../authenticate/provider-registry.ts';
import { MAX_HEADER_BYTES } from '../mime/read-header-block.ts';

export interface ParseLimits {
  /** Deepest MIME nesting followed (multipart and enclosed messages). */
  maxDepth: number;
  /** Most MIME parts walked. */
  maxParts: number;
  /** Largest header block of any entity, in bytes. */
  maxHeaderBytes: number;
  /** Time budget for one message, in milliseconds. */
  timeoutMs: number;
}

export interface ParseEnvelope {
  mailFrom: string;
  rcptTo: string[];
  clientIp: string;
  helo: string;
}

export interface ParseOptions {
  envelope?: ParseEnvelope | null;
  mailboxes?: { unsubscribe: string[] };
  ticketIdPattern?: RegExp;
  ourDomains?: string[];
  campaignHeaders?: string[];
  /** Regex source with named groups, applied to the original's Return-Path. */
  verpPattern?: string | null;
  limits?: Partial<ParseLimits>;
  /** Run DKIM/SPF/DMARC/ARC on the report (needs a resolver for meaningful results). */
  authenticate?: boolean;
  /** Injected DNS (never the network in tests); without one, auth results are `unchecked`. */
  resolver?: DnsResolver;
  providers?: ProviderRegistry;
  /** Time budget for authentication (DNS included); default 5000 ms. */
  authTimeoutMs?: number;
  now?: () => Date;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxDepth: 12,
  maxParts: 500,
  maxHeaderBytes: MAX_HEADER_BYTES,
  timeoutMs: 2000,
};
export const DEFAULT_TICKET_ID = /\bAD-[0-9A-Z]{6}\b/;
export const DEFAULT_CAMPAIGN_HEADERS = ['X-Campaign-ID', 'X-Client-ID', 'X-Mailer-Campaign'];
