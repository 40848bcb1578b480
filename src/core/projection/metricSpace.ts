/**
 * UMAP and t-SNE only need "which points are near which", so before projecting, the embeddings are moved into a
 * space where a plain metric ranks pairs exactly as the run's distance does:
 *  - euclidean, squared-euclidean: as they are (squaring does not change the order);
 *  - cosine: rows scaled to unit length, since ‖a/|a| − b/|b|‖² = 2·(1 − cos(a, b));
 *  - mahalanobis: rows whitened (x·W), since ‖(a − b)·W‖ is the Mahalanobis distance;
 *  - manhattan: as they are, measured with the L1 metric.
 * Plain JS, no tensors: it runs in the projection worker.
 */
import type { DistanceName } from '../config';

/** The metric the projection should use on the returned vectors. */
export type ProjectionMetric = 'euclidean' | 'manhattan';

/** Vectors (n × dim, row-major) and the metric under which they rank pairs as the run's distance does. */
export interface MetricSpace {
  vectors: Float32Array;
  n: number;
  dim: number;
  metric: ProjectionMetric;
}

/** Smallest norm a row is divided by (zero rows stay at the origin instead of becoming NaN). */
const NORM_FLOOR = 1e-6;

/** See the module comment; `whitening` (row-major dim×dim) is required for mahalanobis. */
export function toMetricSpace(
  embeddings: Float32Array,
  n: number,
  dim: number,
  distance: DistanceName,
  whitening?: Float32Array,
): MetricSpace {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(dim) || dim < 1)
    throw new Error(`toMetricSpace: bad shape [${n}, ${dim}]`);
  if (embeddings.length !== n * dim)
    throw new Error(`toMetricSpace: expected ${n}×${dim} = ${n * dim} values, got ${embeddings.length}`);
  switch (distance) {
    case 'euclidean':
    case 'squared-euclidean':
      return { vectors: embeddings, n, dim, metric: 'euclidean' };
    case 'manhattan':
      return { vectors: embeddings, n, dim, metric: 'manhattan' };
    case 'cosine': {
      const out = new Float32Array(n * dim);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < dim; k++) s += embeddings[i * dim + k] ** 2;
        const scale = 1 / Math.max(Math.sqrt(s), NORM_FLOOR);
        for (let k = 0; k < dim; k++) out[i * dim + k] = embeddings[i * dim + k] * scale;
      }
      return { vectors: out, n, dim, metric: 'euclidean' };
    }
    case 'mahalanobis': {
      if (!whitening || whitening.length !== dim * dim) {
        throw new Error(`the mahalanobis distance needs its ${dim}×${dim} whitening matrix to project the embeddings`);
      }
      const out = new Float32Array(n * dim);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < dim; c++) {
          let v = 0;
          for (let k = 0; k < dim; k++) v += embeddings[i * dim + k] * whitening[k * dim + c];
          out[i * dim + c] = v;
        }
      }
      return { vectors: out, n, dim, metric: 'euclidean' };
    }
    default:
      throw new Error(`unknown distance "${String(distance)}" for a projection`);
  }
}

/** Squared Euclidean (or, for 'manhattan', squared L1) distance between rows i and j of a metric space. */
export function squaredMetricDistance(space: MetricSpace, i: number, j: number): number {
  const { vectors, dim } = space;
  const a = i * dim;
  const b = j * dim;
  let s = 0;
  if (space.metric === 'manhattan') {
    for (let k = 0; k < dim; k++) s += Math.abs(vectors[a + k] - vectors[b + k]);
    return s * s;
  }
  for (let k = 0; k < dim; k++) {
    const d = vectors[a + k] - vectors[b + k];
    s += d * d;
  }
  return s;
}
