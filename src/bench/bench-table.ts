/** One figure per column: a number, a text, or null where the row does not apply to that column. */
export type BenchCell = number | string | null;

export interface BenchRow {
  label: string;
  cells: BenchCell[];
  /** Decimals numbers are shown with (default 0). */
  decimals?: number;
  target?: string;
  /** Whether a column's figure meets the target; null where the target does not apply to that column. */
  meets?: (value: number, column: number) => boolean | null;
}

/** A number as the tables show it: thousands separated, `decimals` places. */
export const showNumber = (n: number, decimals = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

const show = (c: BenchCell, decimals: number): string =>
  c === null ? '—' : typeof c === 'string' ? c : showNumber(c, decimals);

/**
 * `met` when every column the target applies to meets it, `missed (<columns>)` naming those that do not;
 * empty when no measured column has a target.
 */
function verdict(row: BenchRow, columns: readonly string[]): string {
  if (!row.meets) return '';
  const judged = row.cells.flatMap((c, i) => {
    if (typeof c !== 'number') return [];
    const ok = row.meets!(c, i);
    return ok === null ? [] : [{ ok, column: columns[i]! }];
  });
  if (judged.length === 0) return '';
  const missed = judged.filter((j) => !j.ok).map((j) => j.column);
  return missed.length === 0 ? 'met' : `missed (${missed.join(', ')})`;
}

/**
 * A figures table: a label column, one column per engine (numbers right-aligned), then the target and whether
 * it was met.
 */
export function benchTable(columns: readonly string[], rows: readonly BenchRow[]): string {
  const head = ['', ...columns, 'target', 'met'];
  const body = rows.map((r) => [
    r.label,
    ...columns.map((_, i) => show(r.cells[i] ?? null, r.decimals ?? 0)),
    r.target ?? '',
    verdict(r, columns),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string =>
    `  ${cells
      .map((c, i) => {
        const figures = i > 0 && i <= columns.length;
        return figures ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd()}`;
  return [line(head), ...body.map(line)].join('\n') + '\n';
}
