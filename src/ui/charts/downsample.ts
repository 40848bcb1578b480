/**
 * Chart downsampling: a 100,000-step history must render as a few hundred SVG points without hiding spikes,
 * so each bucket keeps its minimum and maximum (in step order) and the series keeps its first and last point.
 */

/** The most points a chart series is drawn with (keeps the live charts smooth on long runs). */
export const MAX_CHART_POINTS = 500;

/**
 * Reduces `points` to at most `maxPoints` by min/max buckets of `value`; identity (same array) when already small.
 * Points whose value is not finite are never chosen as extremes but first/last are always kept.
 */
export function downsampleMinMax<T>(
  points: readonly T[],
  value: (point: T) => number,
  maxPoints: number = MAX_CHART_POINTS,
): readonly T[] {
  if (maxPoints < 2) throw new Error(`maxPoints must be at least 2, got ${maxPoints}`);
  if (points.length <= maxPoints) return points;
  // The buckets and their picks are minMaxIndices', read off the series' values.
  return Array.from(minMaxIndices(Float64Array.from(points, value), maxPoints), (i) => points[i]);
}

/**
 * Downsamples several series sharing one x axis: keeps the union of each series' min/max picks (in order), capped
 * by giving each series an equal share of `maxPoints`, so every line keeps its own spikes.
 */
export function downsampleMulti<T>(
  points: readonly T[],
  values: readonly ((point: T) => number)[],
  maxPoints: number = MAX_CHART_POINTS,
): readonly T[] {
  const n = points.length;
  if (n <= maxPoints || values.length === 0) return points;
  const columns = values.map((value) => Float64Array.from(points, value));
  return Array.from(minMaxUnion(columns, n, maxPoints), (i) => points[i]);
}

/**
 * The indices {@link downsampleMulti} keeps of n points whose series are `columns` (entries 0..n of each), in order:
 * the union of each series' min/max picks at an equal share of `maxPoints`; every index when n ≤ maxPoints.
 */
export function minMaxUnion(
  columns: readonly Float64Array[],
  n: number,
  maxPoints: number = MAX_CHART_POINTS,
): Int32Array {
  if (n <= maxPoints || columns.length === 0) return Int32Array.from({ length: n }, (_, i) => i);
  const share = Math.max(2, Math.floor(maxPoints / columns.length));
  // Marks by index, with no map from point to index: this runs on every redraw of a history of a point per step.
  const keep = new Uint8Array(n);
  for (const column of columns) for (const i of minMaxIndices(column.subarray(0, n), share)) keep[i] = 1;
  let count = 0;
  for (let i = 0; i < n; i++) count += keep[i];
  const out = new Int32Array(count);
  count = 0;
  for (let i = 0; i < n; i++) if (keep[i] === 1) out[count++] = i;
  return out;
}

/**
 * The min/max-bucket choice, the one rule every downsampling here follows, as indices into a typed array (no closures
 * or objects per point: it runs on every redraw of a 100,000-step loss history): first and last index always, then
 * per bucket the indices of its smallest and largest finite value (the first of equals) in index order. All indices
 * when `values` is small enough.
 */
export function minMaxIndices(values: Float64Array | Float32Array, maxPoints: number = MAX_CHART_POINTS): Int32Array {
  const n = values.length;
  if (maxPoints < 2) throw new Error(`maxPoints must be at least 2, got ${maxPoints}`);
  if (n <= maxPoints) return Int32Array.from({ length: n }, (_, i) => i);
  const interior = n - 2;
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  // Room for every pick: one bucket at least, so a cap of 2 or 3 still keeps 4 indices (first, last, one bucket's two).
  const out = new Int32Array(2 * buckets + 2);
  let count = 0;
  out[count++] = 0;
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * interior) / buckets);
    const end = 1 + Math.floor(((b + 1) * interior) / buckets);
    let lo = -1;
    let hi = -1;
    let loValue = Infinity;
    let hiValue = -Infinity;
    for (let i = start; i < end; i++) {
      const v = values[i];
      if (!(v - v === 0)) continue; // not finite
      if (v < loValue) {
        loValue = v;
        lo = i;
      }
      if (v > hiValue) {
        hiValue = v;
        hi = i;
      }
    }
    if (lo < 0) {
      if (start < end) out[count++] = start;
      continue;
    }
    if (lo === hi) out[count++] = lo;
    else if (lo < hi) {
      out[count++] = lo;
      out[count++] = hi;
    } else {
      out[count++] = hi;
      out[count++] = lo;
    }
  }
  out[count++] = n - 1;
  return out.slice(0, count);
}
