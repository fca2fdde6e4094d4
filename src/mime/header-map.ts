/** Header fields by lower-cased name, each value unfolded but not decoded, in message order. */
export type HeaderMap = Map<string, string[]>;

/** First value of a header field, or null. */
export function firstHeader(headers: HeaderMap, name: string): string | null {
  return headers.get(name)?.[0] ?? null;
}

/** Last value of a header field, or null (a prepended trace field is the first; the author's is the last). */
export function lastHeader(headers: HeaderMap, name: string): string | null {
  const values = headers.get(name);
  return values && values.length > 0 ? values[values.length - 1]! : null;
}
