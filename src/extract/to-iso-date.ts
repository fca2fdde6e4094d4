/**
 * An RFC 5322 (or ARF Arrival-Date) date as ISO 8601 UTC, or null. Tolerates the zone comments
 * and two-digit years real reports carry; never throws.
 */
export function toIsoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  let v = value
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Two-digit years (RFC 5322 §4.3 obsolete syntax): 00-49 → 20xx, 50-99 → 19xx.
  v = v.replace(
    /^((?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+)(\d{2})(\s)/,
    (_m, a: string, y: string, s: string) => `${a}${Number(y) < 50 ? '20' : '19'}${y}${s}`,
  );
  // US zone names Date.parse does not know ("PST" it knows; "EST" too) — strip trailing unknown words.
  let t = Date.parse(v);
  if (Number.isNaN(t)) t = Date.parse(v.replace(/\s+[A-Za-z]{2,5}$/, ''));
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  const y = d.getUTCFullYear();
  if (y < 1970 || y > 9999) return null;
  return d.toISOString().replace(/\.000Z$/, 'Z');
}
