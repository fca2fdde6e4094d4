import type { TextBounceRecipient } from '../parse-text-bounce.ts';
import type { TextBounceInput } from './text-bounce-format.ts';

/** Helpers shared by the provider and appliance layouts: bounded line handling, header look-ups, addresses. */

/** An address as layouts print it; bounded character classes, no nested quantifiers. */
export const ADDRESS = String.raw`[^\s<>()"',;:@\[\]]{1,128}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?`;
export const ADDRESS_ONLY = new RegExp(`^${ADDRESS}$`);
const ADDRESS_ANYWHERE = new RegExp(ADDRESS);

/** Longest diagnostic kept, like the generic readers. */
const MAX_DIAGNOSTIC = 500;
/** Lines a layout reads: real bounces have a few dozen before the returned original. */
const MAX_LINES = 400;

export function header(input: TextBounceInput, name: string): string {
  return input.headers.get(name)?.[0] ?? '';
}

export function headers(input: TextBounceInput, name: string): readonly string[] {
  return input.headers.get(name) ?? [];
}

/** The lines of a text, trailing whitespace removed, cut at `stop` (the start of the returned original). */
export function linesOf(text: string, stop?: RegExp): string[] {
  let body = text;
  if (stop !== undefined) {
    const at = stop.exec(body);
    if (at !== null) body = body.slice(0, at.index);
  }
  return body.split('\n', MAX_LINES).map((line) => line.replace(/\s+$/, ''));
}

/** Whitespace collapsed and length bounded; null when nothing is left. */
export function tidy(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const collapsed = text.replace(/\s+/g, ' ').trim();
  if (collapsed === '') return null;
  return collapsed.length > MAX_DIAGNOSTIC ? `${collapsed.slice(0, MAX_DIAGNOSTIC - 3)}...` : collapsed;
}

/** The first address in a piece of text, without angle brackets or quotes. */
export function firstAddress(text: string): string | null {
  return ADDRESS_ANYWHERE.exec(text)?.[0] ?? null;
}

/** A bare address line ("user@example.org", maybe in <> or quotes, maybe ending in ":"), else null. */
export function addressLine(line: string): string | null {
  const trimmed = line
    .trim()
    .replace(/:$/, '')
    .replace(/^"(.*)"$/, '$1')
    .replace(/^<(.*)>$/, '$1');
  return ADDRESS_ONLY.test(trimmed) ? trimmed : null;
}

/** Recipient records from the X-Failed-Recipients header, each with the same diagnostic. */
export function failedHeaderRecipients(
  input: TextBounceInput,
  diagnostic: string | null,
): TextBounceRecipient[] {
  return headers(input, 'x-failed-recipients')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim().replace(/^<(.*)>$/, '$1'))
    .filter((value) => ADDRESS_ONLY.test(value))
    .map((recipient) => ({ recipient, diagnostic }));
}

/** The address in the returned original's To: header (layouts that never name the recipient in their text). */
export function originalTo(text: string): string | null {
  const match = /^To:[ \t]*([^\n]{1,500})$/im.exec(text);
  return match === null ? null : firstAddress(match[1]!);
}
