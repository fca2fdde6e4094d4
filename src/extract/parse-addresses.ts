// An addr-spec as seen in real reports: permissive local part, dotted domain. Quoted local parts are rare in reports.
const ADDRESS =
  /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*/g;

/** Every email address in a header value or text, lower-cased, deduplicated, in order. */
export function parseAddresses(value: string | null | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const m of value.matchAll(ADDRESS)) {
    const a = m[0].replace(/^[.]+|[.]+$/g, '').toLowerCase();
    if (a.includes('@') && !out.includes(a)) out.push(a);
  }
  return out;
}

/** The first address in a header value, or null. */
export function firstAddress(value: string | null | undefined): string | null {
  return parseAddresses(value)[0] ?? null;
}
