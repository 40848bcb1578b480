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
import { valuesView } from '../tensorValues';

export interface Geometry {
  /** Mean squared distance of positive pairs (NaN without a positive pair). */
  alignment: number;
  /** log of the mean Gaussian potential exp(−2·d²) over all pairs. */
  uniformity: number;
  /** Points the estimate used (a seeded sample when the set is larger than the cap). */
  points: number;
}

/** Most points one estimate takes (its cost grows with points²). */
export const GEOMETRY_MAX_POINTS = 2048;
const T = 2;
/** Rows of the Gram matrix computed and read back at once. */
const GEOMETRY_BLOCK_ROWS = 256;

/**
 * Alignment and uniformity of `n` embeddings (row-major n × dim) with class labels. Sets larger than `maxPoints`
 * are estimated on a seeded sample of that many points. Every tensor it makes is freed before it returns.
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
  // Rows scaled to unit length (zero vectors stay zero rather than becoming NaN, so a collapsed embedding reads as
  // "all in one spot"); their Gram matrix from backend matmuls, the rest in one JS pass over the pairs i < j, with
  // d² = |fi|² + |fj|² − 2·fi·fj. Every sum is symmetric in (i, j), so half the pairs give the same means. (Element-
  // wise tensor ops over the m × m matrices cost several hundred milliseconds per evaluation on WASM.)
  const f = new Float32Array(m * dim);
  const sq = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let norm = 0;
    for (let k = i * dim; k < (i + 1) * dim; k++) norm += values[k] * values[k];
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
    let s = 0;
    for (let k = i * dim; k < (i + 1) * dim; k++) {
      f[k] = values[k] * scale;
      s += f[k] * f[k];
    }
    sq[i] = s;
  }
  let alignSum = 0;
  let positives = 0;
  let potentialSum = 0;
  const x = tf.tensor2d(f, [m, dim]);
  // Explicit transpose: matMul's transpose flags are slow on the WASM backend.
  const xT = tf.transpose(x);
  try {
    // Blocks of rows against the columns from their first row on: the upper triangle and a little more, so the
    // products hold about half the matrix and memory stays at a block's rows.
    for (let start = 0; start < m - 1; start += GEOMETRY_BLOCK_ROWS) {
      const rows = Math.min(GEOMETRY_BLOCK_ROWS, m - start);
      const width = m - start;
      const product = tf.tidy(() =>
        tf.matMul(tf.slice(x, [start, 0], [rows, dim]), tf.slice(xT, [0, start], [dim, width])),
      );
      // Read in place (no tfjs call until the block is done); freed after the pass.
      const gram = valuesView(product);
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        const label = rowLabels[i];
        const offset = r * width - start;
        for (let j = i + 1; j < m; j++) {
          const d2 = Math.max(sq[i] + sq[j] - 2 * gram[offset + j], 0);
          potentialSum += Math.exp(-T * d2);
          if (rowLabels[j] === label) {
            alignSum += d2; // α = 2: the squared distance itself
            positives++;
          }
        }
      }
      product.dispose();
    }
  } finally {
    tf.dispose([x, xT]);
  }
  const pairs = (m * (m - 1)) / 2;
  return {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: without a positive pair alignSum is 0 too, and 0 / 0 is the same NaN
    alignment: positives > 0 ? alignSum / positives : NaN,
    uniformity: Math.log(potentialSum / pairs),
    points: m,
  };
}
