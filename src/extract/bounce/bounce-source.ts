import type { BounceDetail } from '../../report/parsed-report.ts';

/** What the bounce and autoreply detectors see of a message; built by parseMessage from its MIME walk. */
export interface BounceSource {
  /** Top-level headers, lower-cased names, decoded values. */
  headers: Map<string, string[]>;
  subject: string;
  from: string;
  returnPathEmpty: boolean;
  /** multipart/report report-type param. */
  reportType: string | null;
  /** Text of the message/delivery-status (or message/global-delivery-status) part. */
  deliveryStatus: string | null;
  /** Decoded human-readable text (text/plain parts, else text from html), max ~64 KB. */
  bodyText: string;
  /** Raw header block of the returned original (message/rfc822 or text/rfc822-headers part), if any. */
  originalHeaders: string | null;
}

export interface BounceExtraction {
  reason: string;
  bounces: BounceDetail[];
  /** Only warnings/delays. */
  delayed: boolean;
  /** Delivered/relayed/expanded DSN: not a bounce. */
  notBounce: boolean;
}

export interface AutoreplySource {
  headers: Map<string, string[]>;
  subject: string;
  from: string;
  bodyText: string;
}
