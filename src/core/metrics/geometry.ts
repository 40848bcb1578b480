/**
 * Alignment and uniformity of an embedding (Wang & Isola 2020, "Understanding Contrastive Representation Learning
 * through Alignment and Uniformity on the Hypersphere"), on L2-normalised embeddings f:
 *   alignment  = E over positive pairs (x, y) of ||f(x) − f(y)||^α, α = 2  (0 = every positive pair coincides);
 *   uniformity = log E over all pairs (x, y) of exp(−t·||f(x) − f(y)||²), t = 2  (0 = every point in one spot;
 *                the more negative, the more evenly the points cover the sphere).
 * Positive pairs are two distinct samples of one class; "all pairs" are all pairs of distinct samples.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';

export interface Geometry {
  /** Mean squared distance of positive pairs (NaN without a positive pair). */
  alignment: number;
  /** log of the mean Gaussian potential exp(−2·d²) over all pairs. */
  uniformity: number;
  /** Points the estimate used (a seeded sample when the set is larger than the cap). */
  points: number;
}

/** Most points one estimate takes: its pair matrices are points² floats (2,048² = 16 MB). */
export const GEOMETRY_MAX_POINTS = 2048;
const ALPHA = 2;
const T = 2;

/**
 * Alignment and uniformity of `n` embeddings (row-major n × dim) with class labels. Sets larger than `maxPoints`
 * are estimated on a seeded sample of that many points. Every tensor is made and freed inside one tf.tidy.
 */
export function alignmentUniformity(
  embeddings: Float32Array,
  n: number,
  dim: number,
  labels: ArrayLike<number>,
  rng: Rng,
  maxPoints = GEOMETRY_MAX_POINTS,
): Geometry {
  if (!Number.isInteger(n) || n < 2 || embeddings.length !== n * dim || labels.length !== n)
    throw new Error(`alignmentUniformity needs at least 2 embeddings of ${dim} values with a label each, got ${n}`);
  let values = embeddings;
  let rowLabels = Int32Array.from(labels);
  let m = n;
  // Stryker disable next-line EqualityOperator: at n = maxPoints the sample is every row, sorted back into order
  if (n > maxPoints) {
    // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: both figures sum over every pair of sampled rows (each with its own label), whatever order the rows come in
    const rows = rng.sampleWithoutReplacement(n, maxPoints).sort((a, b) => a - b);
    values = new Float32Array(maxPoints * dim);
    rowLabels = new Int32Array(maxPoints);
    rows.forEach((r, k) => {
      values.set(embeddings.subarray(r * dim, (r + 1) * dim), k * dim);
      rowLabels[k] = labels[r];
    });
    m = maxPoints;
  }
  const [alignSum, positives, potentialSum] = tf.tidy(() => {
    const x = tf.tensor2d(values, [m, dim]);
    // Zero vectors stay zero rather than becoming NaN, so a collapsed embedding reads as "all in one spot".
    const f = x.div(tf.maximum(x.norm('euclidean', 1, true), 1e-12));
    const sq = f.square().sum(1);
    const squared = tf.relu(
      sq
        .reshape([m, 1])
        .add(sq.reshape([1, m]))
        .sub(f.matMul(f, false, true).mul(2)),
    );
    const y = tf.tensor1d(rowLabels, 'int32');
    const offDiagonal = tf.scalar(1).sub(tf.eye(m));
    const positive = tf
      .equal(y.reshape([m, 1]), y.reshape([1, m]))
      .toFloat()
      .mul(offDiagonal);
    const aligned = tf.pow(squared, ALPHA / 2);
    const sums = tf.stack([
      aligned.mul(positive).sum(),
      positive.sum(),
      tf.exp(squared.mul(-T)).mul(offDiagonal).sum(),
    ]);
    return Array.from(sums.dataSync());
  });
  const pairs = m * (m - 1);
  return {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: without a positive pair alignSum is 0 too, and 0 / 0 is the same NaN
    alignment: positives > 0 ? alignSum / positives : NaN,
    uniformity: Math.log(potentialSum / pairs),
    points: m,
  };
}
