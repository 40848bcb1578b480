/**
 * Query against reference under the Mahalanobis distance, in several row blocks: both sides are whitened by the run's
 * W and every block ranks its own query rows, checked against a brute-force ranking of the whitened vectors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateAgainstReference } from '../../../src/core/metrics/evaluate';
import { retrievalMetricsAgainst } from '../../../src/core/metrics/retrieval';
import { Rng } from '../../../src/core/rng';
import { useCpuBackend } from '../../helpers/tf';

beforeAll(async () => {
  await useCpuBackend();
});

const DIM = 3;

/** Row-major rows · W (W is DIM × DIM, row-major), in doubles. */
function whiten(rows: Float32Array, w: Float32Array): Float64Array {
  const n = rows.length / DIM;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < DIM; k++) {
      let s = 0;
      for (let t = 0; t < DIM; t++) s += rows[i * DIM + t] * w[t * DIM + k];
      out[i * DIM + k] = s;
    }
  return out;
}

/** Euclidean distances of whitened queries to whitened references, n × m. */
function bruteForce(queries: Float32Array, reference: Float32Array, w: Float32Array): Float32Array {
  const a = whiten(queries, w);
  const b = whiten(reference, w);
  const n = a.length / DIM;
  const m = b.length / DIM;
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < DIM; k++) s += (a[i * DIM + k] - b[j * DIM + k]) ** 2;
      out[i * m + j] = Math.sqrt(s);
    }
  return out;
}

describe('query against reference, Mahalanobis, in row blocks', () => {
  // Two classes that differ only along the first axis, by 1, with noise of 3 along the second: unwhitened, the noise
  // decides the neighbours; W shrinks the second axis a hundredfold, so the class axis decides.
  const rng = new Rng(7);
  const points = (count: number) => {
    const labels = Int32Array.from({ length: count }, (_, i) => i % 2);
    const x = new Float32Array(count * DIM);
    for (let i = 0; i < count; i++) {
      x[i * DIM] = labels[i] + 0.05 * rng.normal();
      x[i * DIM + 1] = 3 * rng.normal();
      x[i * DIM + 2] = 0.05 * rng.normal();
    }
    return { x, labels };
  };
  const queries = points(9);
  const reference = points(14);
  const w = Float32Array.from([1, 0, 0, 0, 0.01, 0, 0.2, 0, 1]);
  const identity = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const ks = [1, 3];

  it('equals the brute-force ranking of the whitened vectors, with 2 query rows per block', () => {
    const expected = retrievalMetricsAgainst(
      bruteForce(queries.x, reference.x, w),
      queries.labels,
      reference.labels,
      ks,
    );
    for (const blockValues of [2 * 14, 3 * 14, undefined]) {
      const got = evaluateAgainstReference(queries.x, queries.labels, reference.x, reference.labels, DIM, {
        distance: 'mahalanobis',
        whitening: w,
        ks,
        blockValues,
      });
      expect(got).toEqual(expected);
    }
    // The whitening matters here: the same data unwhitened ranks differently.
    const plain = retrievalMetricsAgainst(
      bruteForce(queries.x, reference.x, identity),
      queries.labels,
      reference.labels,
      ks,
    );
    expect(plain.mapAtR).not.toBe(expected.mapAtR);
    expect(expected.mapAtR).toBe(1);
  });
});
