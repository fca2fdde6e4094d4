/**
 * The columns of a suppression list export, in order (CLI `suppressions export`, the API's and the UI's CSV).
 * New columns go at the end: integrators read the older ones by position.
 */
export const SUPPRESSION_CSV_COLUMNS = [
  'address',
  'client',
  'reason',
  'firstSeen',
  'lastSeen',
  'count',
  'evidenceReportId',
  'createdBy',
  'note',
  'stream',
  'expiresAt',
  'addressHash',
] as const;

/** What one exported row needs. */
export type SuppressionCsvRow = Record<(typeof SUPPRESSION_CSV_COLUMNS)[number], unknown> & {
  address: string;
  addressHash: string | null;
};

/** An erased row keeps only the keyed hash of its address (its address column holds a placeholder). */
export const isErasedSuppression = (r: { address: string; addressHash: string | null }): boolean =>
  r.addressHash !== null || r.address.startsWith('erased:');

/**
 * One suppression as a CSV record (no line end). An erased row's address cell is empty and its hash is in
 * `addressHash`: the export never carries the placeholder, which a mirror would take for an address.
 */
export function suppressionCsvLine(r: SuppressionCsvRow, guardFormulas: boolean): string {
  const erased = isErasedSuppression(r);
  return SUPPRESSION_CSV_COLUMNS.map((c) =>
    csvField(c === 'address' && erased ? null : r[c], guardFormulas),
  ).join(',');
}

/**
 * One CSV field, quoted as RFC 4180 says. With `guardFormulas`, a leading = + @ tab or CR is prefixed with ' so a
 * spreadsheet does not run the cell as a formula.
 */
export function csvField(value: unknown, guardFormulas: boolean): string {
  let s =
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : `${value as string | number}`;
  if (guardFormulas && /^[=+@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
