import type { TextBounceRecipient } from '../parse-text-bounce.ts';

/** What a text-bounce layout sees of a bounce: the human-readable failure text and the top-level facts. */
export interface TextBounceInput {
  /** The failure part of the body (before the returned original), line endings normalised to \n, bounded. */
  text: string;
  /** The whole decoded body text (bounded), for layouts that put the failure after a quoted original. */
  bodyText: string;
  subject: string;
  from: string;
  /** Top-level headers, lower-cased names, decoded values. */
  headers: Map<string, string[]>;
  /** Domain of the From address (the bouncing system), lower-cased, or null. */
  fromDomain: string | null;
}

/**
 * One MTA's or provider's own bounce layout. `detect` says whether this layout wrote the bounce (headers,
 * From, subject or a sentence only it writes); `recipients` reads every failed recipient with its own
 * diagnostic, and its status and remote MTA where the layout states them. The first format that detects
 * the message and reads at least one recipient wins; the generic readers run when none does.
 */
export interface TextBounceFormat {
  /** Shown in the bounce's reason ("qmail bounce (…)"). */
  name: string;
  detect(input: TextBounceInput): boolean;
  recipients(input: TextBounceInput): TextBounceRecipient[];
}
