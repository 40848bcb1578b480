/**
 * Nearest neighbours in embedding space (not in the 2-D picture): the samples the network itself considers most
 * alike. Plain JS on a readback, with the run's own distance, so what the playground lists is exactly what
 * retrieval metrics count.
 */
import type { DistanceName } from '../config';
import { distanceJs } from '../distances';

/** One neighbour: its row in the embedding matrix and its distance to the query. */
export interface Neighbour {
  index: number;
  distance: number;
}

/** What a neighbour search needs besides the vectors. */
export interface NeighbourOptions {
  distance: DistanceName;
  /** Mahalanobis: the whitening matrix W, row-major dim×dim. */
  whitening?: Float32Array;
  /** A row to leave out (the query itself when it is one of the points). */
  exclude?: number;
}

/**
 * The `k` rows of `embeddings` (n × dim, row-major) closest to `query` (length dim), nearest first. Ties are broken
 * by the lower index and NaN distances sort last, so the answer is the same wherever it is computed. Keeps a small
 * sorted list instead of sorting all n distances (k is a handful, n thousands).
 */
export function nearestNeighbours(
  embeddings: Float32Array,
  n: number,
  dim: number,
  query: ArrayLike<number>,
  k: number,
  options: NeighbourOptions,
): Neighbour[] {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(dim) || dim < 1)
    throw new Error(`nearestNeighbours: bad shape [${n}, ${dim}]`);
  if (embeddings.length !== n * dim)
    throw new Error(`nearestNeighbours: expected ${n}×${dim} = ${n * dim} values, got ${embeddings.length}`);
  if (query.length !== dim)
    throw new Error(`nearestNeighbours: the query has ${query.length} values, the embeddings ${dim}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`nearestNeighbours: k must be a whole number ≥ 1, got ${k}`);
  const best: Neighbour[] = [];
  const before = (a: Neighbour, b: Neighbour): boolean =>
    // Stryker disable next-line ConditionalExpression,EqualityOperator: `before` always gets the later index first, so the index clause is never true (an equal distance stays behind), whatever it compares
    sortKey(a.distance) < sortKey(b.distance) || (sortKey(a.distance) === sortKey(b.distance) && a.index < b.index);
  for (let i = 0; i < n; i++) {
    if (i === options.exclude) continue;
    const candidate = {
      index: i,
      distance: distanceJs(options.distance, query, embeddings.subarray(i * dim, (i + 1) * dim), options.whitening),
    };
    if (best.length === k && !before(candidate, best[k - 1])) continue;
    let at = best.length === k ? k - 1 : best.length;
    // Stryker disable next-line ConditionalExpression: without the push, best[at] = candidate below appends it anyway (at = best.length)
    if (best.length < k) best.push(candidate);
    // Insertion into the sorted list (indices arrive in increasing order, so an equal distance stays behind).
    while (at > 0 && before(candidate, best[at - 1])) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = candidate;
  }
  return best;
}

/** The distance between rows a and b of `embeddings` (n × dim) with the run's distance. */
export function rowDistance(
  embeddings: Float32Array,
  dim: number,
  a: number,
  b: number,
  distance: DistanceName,
  whitening?: Float32Array,
): number {
  const n = Math.floor(embeddings.length / dim);
  for (const [name, i] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new Error(`sample ${name} must be a point number from 0 to ${n - 1}, got ${i}`);
  }
  return distanceJs(
    distance,
    embeddings.subarray(a * dim, (a + 1) * dim),
    embeddings.subarray(b * dim, (b + 1) * dim),
    whitening,
  );
}

/** Verification verdict: "same" when the distance is at most the threshold (docs/ARCHITECTURE.md, Definitions: similar if d ≤ t). */
export function verdictAt(distance: number, threshold: number): 'same' | 'different' {
  return distance <= threshold ? 'same' : 'different';
}

function sortKey(d: number): number {
  return Number.isNaN(d) ? Infinity : d;
}
