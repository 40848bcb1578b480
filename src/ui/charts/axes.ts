/**
 * Pure helpers of the canvas charts: "nice" axis ticks, the value range of a set of series (plain or stacked),
 * number formatting for tick labels and the row nearest to a step (tooltips). Tested in Node.
 */

/** Row of a chart table: the step and one optional value per series key. */
export type ChartRow = { step: number } & Record<string, number | undefined>;

/** Roughly `count` round tick values (1, 2 or 5 × 10^k apart) covering [min, max]; at least the two ends. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const rough = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
  const ticks: number[] = [];
  // k·step rounded to 12 significant digits: 0.6, not 0.6000000000000001.
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++)
    ticks.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return ticks;
}

/** Tick label: integers as is, other values with up to 3 significant digits (0.000123 → 1.23e-4). */
export function formatTick(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(3)));
}

/**
 * [min, max] of the finite values of `keys` over `rows` (stacked: of the running sums, from 0). A flat series
 * gets a ±5% pad (or ±1 at 0) so it draws as a line in the middle; null when nothing is finite.
 */
export function valueRange(
  rows: readonly ChartRow[],
  keys: readonly string[],
  stacked: boolean,
): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) {
    if (stacked) {
      let sum = 0;
      for (const k of keys) {
        const v = row[k];
        if (v !== undefined && Number.isFinite(v)) sum += v;
      }
      lo = Math.min(lo, 0, sum);
      hi = Math.max(hi, sum);
    } else {
      for (const k of keys) {
        const v = row[k];
        if (v === undefined || !Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (!(lo <= hi)) return null;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

/** Index of the row whose step is closest to `step` (rows sorted by step); -1 for no rows. */
export function nearestRow(rows: readonly ChartRow[], step: number): number {
  if (rows.length === 0) return -1;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].step < step) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(rows[lo - 1].step - step) <= Math.abs(rows[lo].step - step)) return lo - 1;
  return lo;
}
