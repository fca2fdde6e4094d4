/** The columns of a suppression list export, in order (CLI `suppressions export` and the API's CSV). */
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
] as const;

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
