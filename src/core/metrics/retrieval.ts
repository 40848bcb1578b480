/**
 * Leave-one-out retrieval metrics over an evaluation set, as defined by Musgrave et al., "A Metric Learning
 * Reality Check" (2020), so that our numbers mean what the literature means.
 *
 * Every item queries all OTHER items, ranked by distance (closest first). For a query q with label y,
 * R = number of other items labelled y.
 *  - P@1: 1 when the nearest other item shares y.
 *  - R-precision: fraction of the R nearest that share y.
 *  - MAP@R: (1/R) Σ_{i=1..R} P(i)·rel(i), where rel(i) = 1 when the i-th nearest shares y and P(i) is the
 *    precision of the i nearest.
 *  - Recall@K: 1 when at least one of the K nearest shares y (the "Recall@K" of the image-retrieval papers,
 *    e.g. Song et al. 2016 — not recall in the information-retrieval sense).
 * Each is averaged over queries. A query whose label has no other member (R = 0) cannot be scored: it is
 * excluded from the averages and counted in `excludedQueries`, but it stays a candidate for other queries.
 *
 * Ties: items at equal distance are ranked by ascending index, so results are deterministic. (An embedding
 * that maps everything to one point therefore scores by the data order, not 1.0.) NaN distances rank last.
 */

/** Averages over the scored queries; every metric is NaN when no query could be scored (queries = 0). */
export interface RetrievalMetrics {
  precisionAt1: number;
  rPrecision: number;
  mapAtR: number;
  /** K → fraction of queries with at least one same-label item among their K nearest. */
  recallAtK: Record<number, number>;
  /** Queries that were scored (R ≥ 1). */
  queries: number;
  /** Queries skipped because no other item shares their label (R = 0). */
  excludedQueries: number;
}

/** The K values of Recall@K reported when the caller does not choose. */
export const DEFAULT_RECALL_KS: readonly number[] = [1, 5, 10];

/**
 * Leave-one-out P@1, R-precision, MAP@R and Recall@K.
 * `distances` is the row-major n×n matrix of distances (diagonal ignored; it need not be symmetric: row q is
 * what query q sees). Ties are broken by index, see the module comment.
 */
export function retrievalMetrics(
  distances: Float32Array,
  n: number,
  labels: ArrayLike<number>,
  ks: number[] = [...DEFAULT_RECALL_KS],
): RetrievalMetrics {
  if (!Number.isInteger(n) || n < 0) throw new Error(`retrievalMetrics: n must be a whole number ≥ 0, got ${n}`);
  if (distances.length !== n * n) throw new Error(`retrievalMetrics: expected an ${n}×${n} distance matrix (${n * n} values), got ${distances.length}`);
  if (labels.length !== n) throw new Error(`retrievalMetrics: ${labels.length} labels for ${n} items`);
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`retrievalMetrics: Recall@K needs whole K ≥ 1, got ${k}`);
  }

  const sameLabelCount = new Map<number, number>();
  for (let i = 0; i < n; i++) sameLabelCount.set(labels[i], (sameLabelCount.get(labels[i]) ?? 0) + 1);
  const maxK = ks.length > 0 ? Math.max(...ks) : 0;

  let scored = 0;
  let excluded = 0;
  let sumP1 = 0;
  let sumRPrecision = 0;
  let sumMapAtR = 0;
  const recallHits = new Map<number, number>(ks.map((k) => [k, 0]));

  // Scratch buffers reused across queries.
  const rowKeys = new Float64Array(Math.max(0, n - 1));
  const sortedKeys = new Float64Array(Math.max(0, n - 1));
  const candidates = new Int32Array(Math.max(0, n - 1));

  for (let q = 0; q < n; q++) {
    const label = labels[q];
    const r = (sameLabelCount.get(label) ?? 1) - 1;
    if (r === 0) {
      excluded++;
      continue;
    }
    // Rank the other items; only the first max(R, maxK) positions matter.
    let m = 0;
    const row = q * n;
    for (let j = 0; j < n; j++) {
      if (j === q) continue;
      const d = distances[row + j];
      rowKeys[m] = d !== d ? Infinity : d; // NaN ranks last
      candidates[m] = j;
      m++;
    }
    const depth = Math.min(m, Math.max(r, maxK));
    const ranked = nearest(rowKeys, candidates, m, depth, sortedKeys);

    let relevantSoFar = 0;
    let averagePrecisionSum = 0;
    let firstRelevantRank = Infinity;
    for (let rank = 0; rank < ranked.length; rank++) {
      if (labels[ranked[rank]] !== label) continue;
      if (rank < r) {
        relevantSoFar++;
        averagePrecisionSum += relevantSoFar / (rank + 1);
      }
      if (firstRelevantRank === Infinity) firstRelevantRank = rank;
    }
    scored++;
    sumP1 += firstRelevantRank === 0 ? 1 : 0;
    sumRPrecision += relevantSoFar / r;
    sumMapAtR += averagePrecisionSum / r;
    for (const k of ks) if (firstRelevantRank < k) recallHits.set(k, (recallHits.get(k) ?? 0) + 1);
  }

  const recallAtK: Record<number, number> = {};
  for (const k of ks) recallAtK[k] = scored > 0 ? (recallHits.get(k) ?? 0) / scored : NaN;
  return {
    precisionAt1: scored > 0 ? sumP1 / scored : NaN,
    rPrecision: scored > 0 ? sumRPrecision / scored : NaN,
    mapAtR: scored > 0 ? sumMapAtR / scored : NaN,
    recallAtK,
    queries: scored,
    excludedQueries: excluded,
  };
}

/**
 * The `depth` nearest candidates ordered by (distance, index). Finds the depth-th smallest distance by
 * quickselect (linear time), then orders only what lies at or below it — far cheaper than sorting the whole
 * row for every query.
 */
function nearest(keys: Float64Array, candidates: Int32Array, m: number, depth: number, scratch: Float64Array): number[] {
  if (depth === 0) return [];
  const work = scratch.subarray(0, m);
  work.set(keys.subarray(0, m));
  const cutoff = selectKth(work, depth - 1);
  const below: number[] = [];
  const atCutoff: number[] = [];
  // Candidates are in ascending index order, so pushing keeps index order within equal keys.
  for (let t = 0; t < m; t++) {
    const key = keys[t];
    if (key < cutoff) below.push(t);
    else if (key === cutoff) atCutoff.push(t);
  }
  below.sort((a, b) => keys[a] - keys[b] || a - b);
  const ranked: number[] = [];
  for (const t of below) ranked.push(candidates[t]);
  for (let t = 0; ranked.length < depth && t < atCutoff.length; t++) ranked.push(candidates[atCutoff[t]]);
  return ranked;
}

/** The k-th smallest value (0-based) of `values` (no NaN), reordering it in place: Hoare quickselect. */
function selectKth(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    // Median of three as pivot: deterministic and safe on sorted input.
    const mid = (lo + hi) >>> 1;
    const a = values[lo];
    const b = values[mid];
    const c = values[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const tmp = values[i];
        values[i] = values[j];
        values[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}
