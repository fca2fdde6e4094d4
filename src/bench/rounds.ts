import { showNumber, type BenchRow } from './bench-table.ts';

/** A column's result, or why it was not run. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The median of `xs` (the lower middle of an even count, so it is always a measured value); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Column `i`'s median run over the rounds, by `figure`: the run whose figure is the median of its rounds, so the
 * table shows one real run's figures together (its latencies with its throughput), not a mix. The first round's
 * reason when it never ran.
 */
export function medianRun<T>(
  rounds: ReadonlyArray<ReadonlyArray<Outcome<T>>>,
  i: number,
  figure: (v: T) => number,
): Outcome<T> {
  const ran = rounds.flatMap((r) => (r[i]?.ok ? [r[i].value] : []));
  if (ran.length === 0) return rounds[0]?.[i] ?? { ok: false, reason: 'no round ran' };
  const m = median(ran.map(figure));
  return { ok: true, value: ran.find((v) => figure(v) === m)! };
}

/**
 * The median over the rounds of a ratio between two columns measured in the same round (`b` over `a`): each
 * round's two runs were made minutes apart, so a machine that drifts between rounds moves both; null when no
 * round has both.
 */
export function pairedRatio<T>(
  rounds: ReadonlyArray<ReadonlyArray<Outcome<T>>>,
  a: number,
  b: number,
  figure: (v: T) => number,
): { median: number; each: number[] } | null {
  const each = rounds.flatMap((r) => {
    const x = r[a];
    const y = r[b];
    return x?.ok && y?.ok ? [figure(y.value) / figure(x.value)] : [];
  });
  return each.length ? { median: median(each), each } : null;
}

/** Each round's figure of one column, `a / b / c` as the tables print numbers, a dash where it did not run. */
export function eachRound<T>(
  rounds: ReadonlyArray<ReadonlyArray<Outcome<T>>>,
  column: number,
  figure: (v: T) => number,
): string {
  return rounds.map((r) => (r[column]?.ok ? showNumber(figure(r[column].value)) : '–')).join(' / ');
}

/** Each round's figure of every column, for a table run over several rounds. */
export function eachRoundRow<T>(
  rounds: ReadonlyArray<ReadonlyArray<Outcome<T>>>,
  columns: number,
  label: string,
  figure: (v: T) => number,
): BenchRow {
  return { label, cells: Array.from({ length: columns }, (_, i) => eachRound(rounds, i, figure)) };
}
