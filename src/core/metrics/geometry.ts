/**
 * Alignment and uniformity of an embedding (Wang & Isola 2020, "Understanding Contrastive Representation Learning
 * through Alignment and Uniformity on the Hypersphere"), on L2-normalised embeddings f:
 *   alignment  = E over positive pairs (x, y) of ||f(x) − f(y)||^α, α = 2  (0 = every positive pair coincides);
 *   uniformity = log E over all pairs (x, y) of exp(−t·||f(x) − f(y)||²), t = 2  (0 = every point in one spot;
 *                the more negative, the more evenly the points cover the sphere).
 * Positive pairs are two distinct samples of one class; "all pairs" are all pairs of distinct samples.
 */
import type { Rng } from '../rng';

export interface Geometry {
  /** Mean squared distance of positive pairs, over every positive pair of every point (NaN without one). */
  alignment: number;
  /** log of the mean Gaussian potential exp(−2·d²) over all pairs (`pairs` of them, seeded, in larger sets). */
  uniformity: number;
  /** Points measured. */
  points: number;
  /** Pairs of distinct points the uniformity averaged: every pair, or a seeded sample of UNIFORMITY_PAIRS. */
  pairs: number;
}

/**
 * Most pairs one uniformity estimate takes. Pairs drawn at random from the whole set estimate the mean far better
 * than every pair of a sample of points at the same cost: on a trained 10,000 × 64 Fashion-MNIST embedding the
 * root-mean-square error of 2^17 random pairs was 0.005 against 0.012 for all 2.1 million pairs of 2,048 points,
 * in 25 ms against 49 (BENCHMARKS.md, `npm run bench:geometry`).
 */
export const UNIFORMITY_PAIRS = 1 << 17;
const T = 2;

/**
 * Alignment and uniformity of `n` embeddings (row-major n × dim) with class labels. Alignment is exact over every
 * positive pair, from each class's sums (Σ over ordered pairs i ≠ j of ||fi − fj||² = 2·n_c·Σ|fi|² − 2·|Σ fi|²).
 * Uniformity averages every pair while there are at most `maxPairs`, else `maxPairs` pairs of distinct points drawn
 * uniformly with `rng`.
 */
export function alignmentUniformity(
  embeddings: Float32Array,
  n: number,
  dim: number,
  labels: ArrayLike<number>,
  rng: Rng,
  maxPairs = UNIFORMITY_PAIRS,
): Geometry {
  if (!Number.isInteger(n) || n < 2 || embeddings.length !== n * dim || labels.length !== n)
    throw new Error(`alignmentUniformity needs at least 2 embeddings of ${dim} values with a label each, got ${n}`);
  const { scale, unit } = unitScales(embeddings, n, dim);
  const alignment = exactAlignment(embeddings, scale, unit, n, dim, labels);
  // d² of the unit rows from the raw rows' dot product and their scales, as the retrieval's Gram rows do: the rows
  // are read where they lie (a normalised copy is 2.5 MB at 10,000 × 64, and cost the page's worker more than Node).
  const squaredDistance = (i: number, j: number): number => {
    let dot = 0;
    for (let a = i * dim, b = j * dim, end = a + dim; a < end; a++, b++) dot += embeddings[a] * embeddings[b];
    return Math.max(unit[i] + unit[j] - 2 * scale[i] * scale[j] * dot, 0);
  };
  const allPairs = (n * (n - 1)) / 2;
  let potentialSum = 0;
  let pairs: number;
  if (allPairs <= maxPairs) {
    // Stryker disable next-line EqualityOperator,ArithmeticOperator: a row i past n − 2 has no j after it to pair with
    for (let i = 0; i < n - 1; i++)
      for (let j = i + 1; j < n; j++) potentialSum += Math.exp(-T * squaredDistance(i, j));
    pairs = allPairs;
  } else {
    for (let p = 0; p < maxPairs; p++) {
      const i = rng.int(n);
      // The other point of the pair from the n − 1 that are not i: every pair of distinct points equally likely.
      let j = rng.int(n - 1);
      if (j >= i) j++;
      potentialSum += Math.exp(-T * squaredDistance(i, j));
    }
    pairs = maxPairs;
  }
  return { alignment, uniformity: Math.log(potentialSum / pairs), points: n, pairs };
}

/**
 * Each row's factor to unit length and its squared length once scaled (1, or 0 for a zero vector: zero vectors stay
 * zero rather than becoming NaN, so a collapsed embedding reads as "all in one spot").
 */
function unitScales(values: Float32Array, n: number, dim: number): { scale: Float64Array; unit: Float64Array } {
  const scale = new Float64Array(n);
  const unit = new Float64Array(n);
  // Stryker disable next-line EqualityOperator: a row n would only write past the arrays' end, which typed arrays ignore
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = i * dim; k < (i + 1) * dim; k++) norm += values[k] * values[k];
    scale[i] = 1 / Math.max(Math.sqrt(norm), 1e-12);
    unit[i] = norm * scale[i] * scale[i];
  }
  return { scale, unit };
}

/** Mean squared distance over every ordered positive pair, from per-class sums in float64. */
function exactAlignment(
  values: Float32Array,
  scale: Float64Array,
  unit: Float64Array,
  n: number,
  dim: number,
  labels: ArrayLike<number>,
): number {
  const classOf = new Map<number, number>();
  const classIndex = new Int32Array(n);
  // Stryker disable next-line EqualityOperator: a label past the end adds a class of no points, which adds no pair
  for (let i = 0; i < n; i++) {
    let c = classOf.get(labels[i]);
    if (c === undefined) {
      c = classOf.size;
      classOf.set(labels[i], c);
    }
    classIndex[i] = c;
  }
  const classes = classOf.size;
  const counts = new Float64Array(classes);
  const squares = new Float64Array(classes);
  const sums = new Float64Array(classes * dim);
  // Stryker disable next-line EqualityOperator: a row past the end has no class index, so its writes go nowhere
  for (let i = 0; i < n; i++) {
    const c = classIndex[i];
    counts[c]++;
    squares[c] += unit[i];
    for (let k = 0; k < dim; k++) {
      const v = values[i * dim + k] * scale[i];
      // Stryker disable next-line AssignmentOperator: a sum negated has the same square
      sums[c * dim + k] += v;
    }
  }
  let total = 0;
  let positives = 0;
  for (let c = 0; c < classes; c++) {
    let sumSquared = 0;
    for (let k = 0; k < dim; k++) sumSquared += sums[c * dim + k] * sums[c * dim + k];
    // Rounding can leave a class whose points coincide a hair below zero.
    total += Math.max(2 * counts[c] * squares[c] - 2 * sumSquared, 0);
    positives += counts[c] * (counts[c] - 1);
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: without a positive pair total is 0 too, and 0 / 0 is the same NaN
  return positives > 0 ? total / positives : NaN;
}
