/**
 * For kind `complaint` (a person reporting spam), suppress the original recipient — the quoted To of the forward when
 * known (the reporter's own address among several, if present), else the reporter's own address.
 */
export function humanComplainants(quotedTo: string[], reporter: string | null): string[] {
  if (quotedTo.length > 0) return reporter && quotedTo.includes(reporter) ? [reporter] : quotedTo;
  return reporter ? [reporter] : [];
}
