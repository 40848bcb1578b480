/**
 * How faithful a 2-D picture is: the share of each point's k nearest neighbours in the embedding space that are
 * also among its k nearest neighbours in the picture (1 = every neighbourhood kept, about k/n = chance). Shown next
 * to the projection choice so learners see that UMAP and t-SNE keep neighbourhoods that PCA squashes.
 */
import { squaredMetricDistance, type MetricSpace } from './metricSpace';

/**
 * Mean k-nearest-neighbour overlap between `space` and the n × 2 `layout`, ties broken by index. O(q·n) for q query
 * points: all of them, or `maxQueries` evenly spaced ones (a deterministic estimate for large sets).
 */
export function neighbourhoodPreservation(
  space: MetricSpace,
  layout: Float32Array,
  k = 10,
  maxQueries = Infinity,
): number {
  const n = space.n;
  if (layout.length !== n * 2)
    throw new Error(`neighbourhoodPreservation: expected ${n}×2 layout values, got ${layout.length}`);
  if (n < 2) return 1;
  const kk = Math.min(k, n - 1);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const queries = Math.max(1, Math.min(n, Math.floor(maxQueries)));
  let total = 0;
  for (let q = 0; q < queries; q++) {
    const i = Math.floor((q * n) / queries);
    for (let j = 0; j < n; j++) {
      if (j === i) {
        high[j] = Infinity;
        low[j] = Infinity;
        continue;
      }
      high[j] = squaredMetricDistance(space, i, j);
      const dx = layout[2 * i] - layout[2 * j];
      const dy = layout[2 * i + 1] - layout[2 * j + 1];
      low[j] = dx * dx + dy * dy;
    }
    const inHigh = new Set(smallest(high, kk));
    let shared = 0;
    for (const j of smallest(low, kk)) if (inHigh.has(j)) shared++;
    total += shared / kk;
  }
  return total / queries;
}

/** Indices of the k smallest values (NaN last, ties by index). */
function smallest(values: Float64Array, k: number): number[] {
  const key = (i: number) => (Number.isNaN(values[i]) ? Infinity : values[i]);
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length === k && key(i) >= key(best[k - 1])) continue;
    let at = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(i);
    while (at > 0 && key(i) < key(best[at - 1])) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = i;
  }
  return best;
}

/**
 * How well a picture separates the classes: the mean share of each point's k nearest neighbours in the picture
 * (n × 2, Euclidean, ties by index) that have its class. Points with a negative label are neither scored nor
 * counted as neighbours. 1 = every neighbourhood is pure; about Σ p_c² (the class shares) = no separation.
 * Pass a MetricSpace instead of a layout to score the embedding space itself (the ceiling a picture can reach
 * without using the labels).
 */
export function classAgreement(layout: Float32Array | MetricSpace, labels: ArrayLike<number>, k = 10): number {
  const space: MetricSpace =
    layout instanceof Float32Array
      ? { vectors: layout, n: Math.floor(layout.length / 2), dim: 2, metric: 'euclidean' }
      : layout;
  const n = space.n;
  if (labels.length !== n) throw new Error(`classAgreement: expected ${n} labels, got ${labels.length}`);
  const labelled: number[] = [];
  for (let i = 0; i < n; i++) if (labels[i] >= 0) labelled.push(i);
  const m = labelled.length;
  if (m < 2) return 1;
  const kk = Math.min(k, m - 1);
  const distances = new Float64Array(m);
  let total = 0;
  for (let qi = 0; qi < m; qi++) {
    const i = labelled[qi];
    for (let t = 0; t < m; t++) distances[t] = t === qi ? Infinity : squaredMetricDistance(space, i, labelled[t]);
    let same = 0;
    for (const t of smallest(distances, kk)) if (labels[labelled[t]] === labels[i]) same++;
    total += same / kk;
  }
  return total / m;
}
