/**
 * Distances between embeddings, in two flavours that must agree: differentiable tfjs ops (used inside
 * `optimizer.minimize`) and plain-JS doubles (snapshots, offline mining, evaluation on readbacks).
 *
 * Every tensor path is safe at zero distance: square roots see `max(x, ε)` and norms are floored, so identical
 * or zero embeddings give finite values and finite gradients (plain `sqrt(0)` has an infinite derivative).
 */
import * as tf from '@tensorflow/tfjs';
import { DISTANCES, type DistanceName } from './config';

/** Floor under squared distances and squared norms before a square root or a division. */
export const DISTANCE_EPSILON = 1e-12;

/** Mahalanobis: a whitening matrix W (d×d) with precision P = W·Wᵀ, so d_M(a,b) = ||(a−b)·W||. */
export interface DistanceContext {
  whitening?: tf.Tensor2D;
}

/** Unknown names are a clear error that lists the known ones (configs come from URLs, files and the CLI). */
export function assertDistanceName(name: string): DistanceName {
  if ((DISTANCES as readonly string[]).includes(name)) return name as DistanceName;
  throw new Error(`unknown distance "${name}"; known distances: ${DISTANCES.join(', ')}`);
}

function requireWhitening<T>(whitening: T | undefined): T {
  if (whitening === undefined) {
    throw new Error(
      'the mahalanobis distance needs a whitening matrix W (precision = W·Wᵀ); compute it with mahalanobisWhitening first',
    );
  }
  return whitening;
}

/** Squared Euclidean distances of all rows of a to all rows of b through one matmul, clamped at 0 (rounding). */
function pairwiseSquaredEuclidean(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const aNorms = tf.sum(tf.square(a), 1, true); // [n,1]
  const bNorms = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]); // [1,m]
  // Explicit transpose: matMul's transpose flags are slow on the WASM backend.
  const dots = tf.matMul(a, tf.transpose(b));
  // dots + dots is 2·dots exactly, and needs no scalar tensor (a new typed array per step in the browser).
  return tf.relu(tf.sub(tf.add(aNorms, bNorms), tf.add(dots, dots))) as tf.Tensor2D;
}

/** sqrt(max(x, ε)): finite gradient at x = 0 (the clamp's gradient is 0 there instead of ∞). */
function safeSqrt<T extends tf.Tensor>(squared: T): T {
  return tf.sqrt(tf.maximum(squared, DISTANCE_EPSILON)) as T;
}

/** Row norms floored at sqrt(ε), so zero vectors divide safely. */
function safeNorms(x: tf.Tensor2D): tf.Tensor2D {
  return safeSqrt(tf.sum(tf.square(x), 1, true)) as tf.Tensor2D;
}

function checkPairShapes(a: tf.Tensor2D, b: tf.Tensor2D, what: string): void {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[1]) {
    throw new Error(`${what} needs two [rows, dim] matrices of the same dim, got [${a.shape}] and [${b.shape}]`);
  }
}

/** All-pairs distances [n,m] between the rows of a [n,d] and b [m,d]; differentiable and tidy. */
export function pairwiseDistances(
  name: DistanceName,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  ctx: DistanceContext = {},
): tf.Tensor2D {
  checkPairShapes(a, b, 'pairwiseDistances');
  return tf.tidy(() => {
    switch (name) {
      case 'squared-euclidean':
        return pairwiseSquaredEuclidean(a, b);
      case 'euclidean':
        return safeSqrt(pairwiseSquaredEuclidean(a, b));
      case 'mahalanobis': {
        const w = requireWhitening(ctx.whitening);
        return safeSqrt(pairwiseSquaredEuclidean(tf.matMul(a, w), tf.matMul(b, w)));
      }
      case 'cosine': {
        const an = tf.div(a, safeNorms(a));
        const bn = tf.div(b, safeNorms(b));
        return tf.sub(1, tf.matMul(an, tf.transpose(bn))) as tf.Tensor2D;
      }
      case 'manhattan': {
        const diff = tf.sub(tf.expandDims(a, 1), tf.expandDims(b, 0)); // [n,m,d]
        return tf.sum(tf.abs(diff), 2) as tf.Tensor2D;
      }
      default:
        return assertDistanceName(name as string) as never;
    }
  });
}

/** Distances [n] between row i of a and row i of b (explicit pairs and triplets); differentiable and tidy. */
export function rowwiseDistances(
  name: DistanceName,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  ctx: DistanceContext = {},
): tf.Tensor1D {
  checkPairShapes(a, b, 'rowwiseDistances');
  if (a.shape[0] !== b.shape[0])
    throw new Error(`rowwiseDistances needs as many rows in a as in b, got ${a.shape[0]} and ${b.shape[0]}`);
  return tf.tidy(() => {
    switch (name) {
      case 'squared-euclidean':
        return tf.sum(tf.squaredDifference(a, b), 1) as tf.Tensor1D;
      case 'euclidean':
        return safeSqrt(tf.sum(tf.squaredDifference(a, b), 1)) as tf.Tensor1D;
      case 'mahalanobis': {
        const w = requireWhitening(ctx.whitening);
        return safeSqrt(tf.sum(tf.square(tf.matMul(tf.sub(a, b), w)), 1)) as tf.Tensor1D;
      }
      case 'cosine': {
        const dots = tf.sum(tf.mul(a, b), 1, true);
        return tf.reshape(tf.sub(1, tf.div(dots, tf.mul(safeNorms(a), safeNorms(b)))), [-1]) as tf.Tensor1D;
      }
      case 'manhattan':
        return tf.sum(tf.abs(tf.sub(a, b)), 1) as tf.Tensor1D;
      default:
        return assertDistanceName(name as string) as never;
    }
  });
}

/** Tensor wrapper of {@link mahalanobisWhiteningJs}: one readback, the factorisation in plain JS (d ≤ 1024). */
export function mahalanobisWhitening(embeddings: tf.Tensor2D, regularization: number): tf.Tensor2D {
  const [n, dim] = embeddings.shape;
  const w = mahalanobisWhiteningJs(embeddings.dataSync() as Float32Array, n, dim, regularization);
  return tf.tensor2d(w, [dim, dim]);
}

/**
 * W (row-major d×d, upper triangular) with W·Wᵀ = (cov(X) + λI)^(-1), so that ||(a−b)·W|| is the Mahalanobis
 * distance. Cholesky cov + λI = L·Lᵀ gives (L·Lᵀ)^(-1) = L^(-T)·L^(-1), hence W = L^(-T). Covariance uses n − 1
 * (n when n = 1); λ > 0 keeps the matrix positive definite even for collapsed or too few embeddings. O(n·d² + d³).
 */
export function mahalanobisWhiteningJs(
  embeddings: Float32Array,
  n: number,
  dim: number,
  regularization: number,
): Float32Array {
  if (!(regularization > 0)) throw new Error(`the Mahalanobis regularization λ must be > 0, got ${regularization}`);
  if (embeddings.length < n * dim) throw new Error(`expected ${n}×${dim} embeddings, got ${embeddings.length} values`);
  const mean = new Float64Array(dim);
  // Stryker disable next-line EqualityOperator: a typed array ignores writes past its end, so the extra index changes nothing
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += embeddings[i * dim + k];
  // Stryker disable next-line EqualityOperator: a typed array ignores writes past its end, so the extra index changes nothing
  for (let k = 0; k < dim; k++) mean[k] /= Math.max(n, 1);
  // Covariance (lower triangle is enough for Cholesky), row-major d×d in doubles.
  const a = new Float64Array(dim * dim);
  const centered = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    // Stryker disable next-line EqualityOperator: a typed array ignores writes past its end, so the extra index changes nothing
    for (let k = 0; k < dim; k++) centered[k] = embeddings[i * dim + k] - mean[k];
    // Stryker disable next-line EqualityOperator: row r = dim only writes past the end of `a`, which a typed array ignores
    for (let r = 0; r < dim; r++) {
      const cr = centered[r];
      // Stryker disable next-line ConditionalExpression: the skip only saves adding zeros
      if (cr === 0) continue;
      const row = r * dim;
      for (let c = 0; c <= r; c++) a[row + c] += cr * centered[c];
    }
  }
  const denominator = n > 1 ? n - 1 : 1;
  // Stryker disable next-line EqualityOperator: row r = dim only writes past the end of `a`, which a typed array ignores
  for (let r = 0; r < dim; r++) {
    for (let c = 0; c <= r; c++) a[r * dim + c] /= denominator;
    a[r * dim + r] += regularization;
  }
  // In-place Cholesky: lower triangle of `a` becomes L.
  // Stryker disable next-line EqualityOperator: column j = dim only writes past the end of `a`, which a typed array ignores
  for (let j = 0; j < dim; j++) {
    let diagonal = a[j * dim + j];
    for (let k = 0; k < j; k++) diagonal -= a[j * dim + k] * a[j * dim + k];
    // Rounding can push a tiny pivot below 0; λ bounds the true pivot from below.
    const ljj = Math.sqrt(Math.max(diagonal, regularization * 1e-6));
    a[j * dim + j] = ljj;
    // Stryker disable next-line EqualityOperator: row i = dim only writes past the end of `a`, which a typed array ignores
    for (let i = j + 1; i < dim; i++) {
      let s = a[i * dim + j];
      for (let k = 0; k < j; k++) s -= a[i * dim + k] * a[j * dim + k];
      a[i * dim + j] = s / ljj;
    }
  }
  // Inverse of L (lower triangular) column by column by forward substitution, written transposed into W.
  const w = new Float32Array(dim * dim);
  const column = new Float64Array(dim);
  // Stryker disable next-line EqualityOperator: column c = dim only writes past the ends of `column` and `w`, which typed arrays ignore
  for (let c = 0; c < dim; c++) {
    column.fill(0);
    // Stryker disable next-line EqualityOperator: row i = dim only writes past the end of `column`, which a typed array ignores
    for (let i = c; i < dim; i++) {
      let s = i === c ? 1 : 0;
      // Stryker disable next-line EqualityOperator: column[i] is still 0 (filled) while row i is solved
      for (let k = c; k < i; k++) s -= a[i * dim + k] * column[k];
      column[i] = s / a[i * dim + i];
    }
    // column = L^(-1)[:, c]; W = L^(-T) so W[c][i] = L^(-1)[i][c].
    for (let i = c; i < dim; i++) w[c * dim + i] = column[i];
  }
  return w;
}

/** One distance in doubles, with the same ε rules as the tensor path. `whitening` is row-major d×d. */
export function distanceJs(
  name: DistanceName,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  whitening?: Float32Array,
): number {
  const dim = a.length;
  if (b.length !== dim) throw new Error(`distanceJs needs vectors of equal length, got ${dim} and ${b.length}`);
  switch (name) {
    case 'squared-euclidean':
    case 'euclidean': {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (a[k] - b[k]) ** 2;
      return name === 'euclidean' ? Math.sqrt(Math.max(s, DISTANCE_EPSILON)) : s;
    }
    case 'mahalanobis': {
      const w = requireWhitening(whitening);
      if (w.length !== dim * dim) throw new Error(`the whitening matrix must be ${dim}×${dim}, got ${w.length} values`);
      let s = 0;
      for (let c = 0; c < dim; c++) {
        let v = 0;
        // Stryker disable next-line AssignmentOperator: v only enters squared, so its sign cannot matter
        for (let k = 0; k < dim; k++) v += (a[k] - b[k]) * w[k * dim + c];
        s += v * v;
      }
      return Math.sqrt(Math.max(s, DISTANCE_EPSILON));
    }
    case 'cosine': {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let k = 0; k < dim; k++) {
        dot += a[k] * b[k];
        na += a[k] * a[k];
        nb += b[k] * b[k];
      }
      return 1 - dot / (Math.sqrt(Math.max(na, DISTANCE_EPSILON)) * Math.sqrt(Math.max(nb, DISTANCE_EPSILON)));
    }
    case 'manhattan': {
      let s = 0;
      for (let k = 0; k < dim; k++) s += Math.abs(a[k] - b[k]);
      return s;
    }
    default:
      return assertDistanceName(name as string) as never;
  }
}

/**
 * All-pairs distances of the rows of `x` (row-major n×dim) among themselves, row-major n×n in float32 — what
 * offline mining reads. Mahalanobis whitens the rows once (x·W) instead of once per pair.
 */
export function pairwiseDistancesJs(
  name: DistanceName,
  x: Float32Array,
  n: number,
  dim: number,
  whitening?: Float32Array,
): Float32Array {
  let rows: Float32Array | Float64Array = x;
  let metric: DistanceName = name;
  if (name === 'mahalanobis') {
    const w = requireWhitening(whitening);
    rows = new Float64Array(n * dim);
    // Stryker disable next-line EqualityOperator: row i = n only writes past the end of `rows`, which a typed array ignores
    for (let i = 0; i < n; i++) {
      // Stryker disable next-line EqualityOperator: c = dim writes the next row's first slot before that row overwrites it, or past the end
      for (let c = 0; c < dim; c++) {
        let v = 0;
        // Stryker disable next-line AssignmentOperator: negating every whitened row leaves every distance between rows unchanged
        for (let k = 0; k < dim; k++) v += x[i * dim + k] * w[k * dim + c];
        rows[i * dim + c] = v;
      }
    }
    metric = 'euclidean';
  }
  const out = new Float32Array(n * n);
  // Stryker disable next-line EqualityOperator: row i = n is an empty slice with no pairs left to fill
  for (let i = 0; i < n; i++) {
    const a = rows.subarray(i * dim, (i + 1) * dim);
    for (let j = i; j < n; j++) {
      const d = distanceJs(metric, a, rows.subarray(j * dim, (j + 1) * dim));
      out[i * n + j] = d;
      out[j * n + i] = d;
    }
  }
  return out;
}
