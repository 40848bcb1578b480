import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISTANCES, type DistanceName } from '../../../src/core/config';
import {
  assertDistanceName,
  DISTANCE_EPSILON,
  distanceJs,
  mahalanobisWhitening,
  mahalanobisWhiteningJs,
  pairwiseDistances,
  pairwiseDistancesJs,
  rowwiseDistances,
} from '../../../src/core/distances';
import { Rng } from '../../../src/core/rng';
import { expectAllClose, expectNoLeakedTensors, useCpuBackend } from '../../helpers/tf';

/** float32 tensors vs double references: 1e-5 relative (absolute below 1). */
const TOLERANCE = 1e-5;

function randomMatrix(rng: Rng, rows: number, cols: number, scale = 1): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform(-scale, scale)));
}

/** Gauss–Jordan inverse with partial pivoting, independent of the Cholesky in the code under test. */
function invert(matrix: number[][]): number[][] {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    const p = a[c][c];
    for (let k = 0; k < 2 * n; k++) a[c][k] /= p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let k = 0; k < 2 * n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row) => row.slice(n));
}

function covariancePlusRidge(x: number[][], lambda: number): number[][] {
  const n = x.length;
  const d = x[0].length;
  const mean = Array.from({ length: d }, (_, k) => x.reduce((s, row) => s + row[k], 0) / n);
  return Array.from({ length: d }, (_, r) =>
    Array.from(
      { length: d },
      (_, c) => x.reduce((s, row) => s + (row[r] - mean[r]) * (row[c] - mean[c]), 0) / (n - 1) + (r === c ? lambda : 0),
    ),
  );
}

/** Reference distances written from the definitions, in doubles. */
function referenceDistance(name: DistanceName, a: number[], b: number[], precision?: number[][]): number {
  const diff = a.map((v, k) => v - b[k]);
  switch (name) {
    case 'euclidean':
      return Math.sqrt(
        Math.max(
          diff.reduce((s, v) => s + v * v, 0),
          DISTANCE_EPSILON,
        ),
      );
    case 'squared-euclidean':
      return diff.reduce((s, v) => s + v * v, 0);
    case 'manhattan':
      return diff.reduce((s, v) => s + Math.abs(v), 0);
    case 'cosine': {
      const dot = a.reduce((s, v, k) => s + v * b[k], 0);
      const na = Math.sqrt(a.reduce((s, v) => s + v * v, 0));
      const nb = Math.sqrt(b.reduce((s, v) => s + v * v, 0));
      return 1 - dot / (na * nb);
    }
    case 'mahalanobis': {
      const p = precision!;
      let s = 0;
      for (let r = 0; r < diff.length; r++) for (let c = 0; c < diff.length; c++) s += diff[r] * p[r][c] * diff[c];
      return Math.sqrt(s);
    }
  }
}

describe('distances', () => {
  beforeAll(async () => {
    await useCpuBackend();
  });

  const rng = new Rng(42);
  const dim = 5;
  const a = randomMatrix(rng, 6, dim);
  const b = randomMatrix(rng, 7, dim);
  const pool = randomMatrix(rng, 40, dim);
  const lambda = 1e-2;
  const precision = invert(covariancePlusRidge(pool, lambda));
  const whiteningJs = mahalanobisWhiteningJs(Float32Array.from(pool.flat()), pool.length, dim, lambda);

  it('W·Wᵀ equals (cov + λI)^(-1) computed by a plain-JS Gauss–Jordan inverse', () => {
    const product: number[] = [];
    for (let r = 0; r < dim; r++) {
      for (let c = 0; c < dim; c++) {
        let s = 0;
        for (let k = 0; k < dim; k++) s += whiteningJs[r * dim + k] * whiteningJs[c * dim + k];
        product.push(s);
      }
    }
    expectAllClose(product, precision.flat(), 1e-5);
  });

  it('the tensor whitening wrapper returns the same W', () => {
    const x = tf.tensor2d(pool);
    const w = mahalanobisWhitening(x, lambda);
    expect(w.shape).toEqual([dim, dim]);
    expectAllClose(w.dataSync(), whiteningJs, 1e-6);
    tf.dispose([x, w]);
  });

  it('mahalanobis with identity covariance equals euclidean scaled by the λ ridge', () => {
    // 2d points ±c·e_k have mean 0 and covariance 2c²/(n−1)·I; c² = (n−1)/2 makes it exactly I.
    const d = 4;
    const n = 2 * d;
    const c = Math.sqrt((n - 1) / 2);
    const points: number[] = [];
    for (let k = 0; k < d; k++)
      for (const sign of [1, -1]) points.push(...Array.from({ length: d }, (_, j) => (j === k ? sign * c : 0)));
    const w = mahalanobisWhiteningJs(Float32Array.from(points), n, d, lambda);
    const u = [0.3, -1.2, 0.7, 2];
    const v = [-0.5, 0.1, 0.4, 1];
    const euclidean = referenceDistance('euclidean', u, v);
    expect(distanceJs('mahalanobis', u, v, w)).toBeCloseTo(euclidean / Math.sqrt(1 + lambda), 5);
  });

  for (const name of DISTANCES) {
    it(`${name}: pairwise, rowwise and plain-JS distances match the reference`, () => {
      const expectedPairwise = a.flatMap((u) => b.map((v) => referenceDistance(name, u, v, precision)));
      const ctx = name === 'mahalanobis' ? { whitening: tf.tensor2d(whiteningJs, [dim, dim]) } : {};
      const ta = tf.tensor2d(a);
      const tb = tf.tensor2d(b);
      const pairwise = pairwiseDistances(name, ta, tb, ctx);
      expect(pairwise.shape).toEqual([6, 7]);
      expectAllClose(pairwise.dataSync(), expectedPairwise, TOLERANCE);

      const tb6 = tf.tensor2d(b.slice(0, 6));
      const rowwise = rowwiseDistances(name, ta, tb6, ctx);
      expect(rowwise.shape).toEqual([6]);
      expectAllClose(
        rowwise.dataSync(),
        a.map((u, i) => referenceDistance(name, u, b[i], precision)),
        TOLERANCE,
      );

      const js = a.flatMap((u) => b.map((v) => distanceJs(name, u, v, whiteningJs)));
      expectAllClose(js, expectedPairwise, 1e-5);
      tf.dispose([ta, tb, tb6, pairwise, rowwise, ...(ctx.whitening ? [ctx.whitening] : [])]);
    });

    it(`${name}: pairwiseDistancesJs is the symmetric matrix of distanceJs`, () => {
      const rows = pool.slice(0, 9);
      const matrix = pairwiseDistancesJs(name, Float32Array.from(rows.flat()), 9, dim, whiteningJs);
      const expected = rows.flatMap((u) => rows.map((v) => referenceDistance(name, u, v, precision)));
      // Diagonal: the ε floor (euclidean/mahalanobis give sqrt(ε) = 1e-6) is below the tolerance.
      expectAllClose(matrix, expected, 1e-5);
    });

    it(`${name}: identical embeddings have finite distances and finite gradients`, () => {
      const same = [
        [0.5, -0.25, 1, 0, 0.75],
        [0.5, -0.25, 1, 0, 0.75],
        [0, 0, 0, 0, 0],
      ];
      const w = tf.tensor2d(whiteningJs, [dim, dim]);
      const ctx = name === 'mahalanobis' ? { whitening: w } : {};
      const x = tf.variable(tf.tensor2d(same));
      const { value, grads } = tf.variableGrads(
        () =>
          tf.add(tf.sum(pairwiseDistances(name, x, x, ctx)), tf.sum(rowwiseDistances(name, x, x, ctx))) as tf.Scalar,
        [x],
      );
      const values = pairwiseDistances(name, x, x, ctx);
      for (const v of values.dataSync()) expect(Number.isFinite(v)).toBe(true);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      for (const g of grads[x.name].dataSync()) expect(Number.isFinite(g)).toBe(true);
      // Two identical rows are (almost) 0 apart — cosine included; the zero vector is 1 away in cosine.
      const d = values.arraySync();
      expect(d[0][1]).toBeLessThan(2e-3);
      if (name === 'cosine') expect(d[0][2]).toBeCloseTo(1, 6);
      tf.dispose([w, x, value, grads[x.name], values]);
    });

    it(`${name}: leaks no tensors`, async () => {
      const ta = tf.tensor2d(a);
      const tb = tf.tensor2d(b.slice(0, 6));
      const w = tf.tensor2d(whiteningJs, [dim, dim]);
      await expectNoLeakedTensors(() => {
        pairwiseDistances(name, ta, tb, { whitening: w }).dispose();
        rowwiseDistances(name, ta, tb, { whitening: w }).dispose();
        if (name === 'mahalanobis') mahalanobisWhitening(ta, 0.1).dispose();
      });
      tf.dispose([ta, tb, w]);
    });
  }

  it('mahalanobis without a whitening matrix is a clear error', () => {
    const x = tf.tensor2d([[1, 2]]);
    expect(() => pairwiseDistances('mahalanobis', x, x)).toThrow(/whitening/);
    expect(() => distanceJs('mahalanobis', [1, 2], [2, 3])).toThrow(/whitening/);
    x.dispose();
  });

  it('unknown names and mismatched shapes are clear errors', () => {
    expect(assertDistanceName('manhattan')).toBe('manhattan');
    expect(() => assertDistanceName('chebyshev')).toThrow(
      /unknown distance "chebyshev".*euclidean, squared-euclidean, cosine, manhattan, mahalanobis/,
    );
    const x = tf.tensor2d([[1, 2]]);
    const y = tf.tensor2d([[1, 2, 3]]);
    expect(() => pairwiseDistances('euclidean', x, y)).toThrow(/same dim/);
    expect(() => mahalanobisWhiteningJs(new Float32Array(4), 2, 2, 0)).toThrow(/λ must be > 0/);
    tf.dispose([x, y]);
  });
});

describe('distance inputs a caller can get wrong', () => {
  it('a tensor that is not a [rows, dim] matrix is refused by name, whichever side it is on', () => {
    const matrix = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // Rank 3 with the same second dimension: only the rank check tells these apart from a matrix.
    const cube = tf.zeros([2, 3, 1]) as unknown as tf.Tensor2D;
    for (const [a, b] of [
      [cube, matrix],
      [matrix, cube],
    ]) {
      expect(() => pairwiseDistances('euclidean', a, b)).toThrow(
        /^pairwiseDistances needs two \[rows, dim\] matrices of the same dim, got \[/,
      );
      expect(() => rowwiseDistances('euclidean', a, b)).toThrow(
        /^rowwiseDistances needs two \[rows, dim\] matrices of the same dim, got \[/,
      );
    }
    const three = tf.zeros([3, 3]) as tf.Tensor2D;
    expect(() => rowwiseDistances('euclidean', matrix, three)).toThrow(
      'rowwiseDistances needs as many rows in a as in b, got 2 and 3',
    );
    tf.dispose([matrix, cube, three]);
  });

  it('an unknown distance name reaching the distance functions is refused, not computed as something else', () => {
    const x = tf.tensor2d([[1, 2]]);
    const unknown = 'chebyshev' as DistanceName;
    expect(() => pairwiseDistances(unknown, x, x)).toThrow(/unknown distance "chebyshev"/);
    expect(() => rowwiseDistances(unknown, x, x)).toThrow(/unknown distance "chebyshev"/);
    expect(() => distanceJs(unknown, [1, 2], [2, 3])).toThrow(/unknown distance "chebyshev"/);
    expect(() => pairwiseDistancesJs(unknown, new Float32Array([1, 2]), 1, 2)).toThrow(/unknown distance "chebyshev"/);
    x.dispose();
  });
});

describe('Mahalanobis whitening of degenerate embeddings', () => {
  it('one embedding, or all embeddings equal (a collapsed run), whitens by the λ ridge alone: W = I/√λ', () => {
    const dim = 3;
    const lambda = 0.25;
    const identityOverRootLambda = Array.from({ length: dim * dim }, (_, i) =>
      i % (dim + 1) === 0 ? 1 / Math.sqrt(lambda) : 0,
    );
    const single = mahalanobisWhiteningJs(Float32Array.from([0.4, -2, 7]), 1, dim, lambda);
    expectAllClose(single, identityOverRootLambda, 1e-6);
    const collapsed = mahalanobisWhiteningJs(Float32Array.from([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]), 4, dim, lambda);
    expectAllClose(collapsed, identityOverRootLambda, 1e-6);
  });

  it('two points: the covariance divides by n − 1 = 1', () => {
    // Points ±1 on the first axis: variance (1² + 1²)/(2 − 1) = 2 there, 0 elsewhere.
    const lambda = 0.5;
    const w = mahalanobisWhiteningJs(Float32Array.from([1, 0, -1, 0]), 2, 2, lambda);
    expectAllClose(w, [1 / Math.sqrt(2 + lambda), 0, 0, 1 / Math.sqrt(lambda)], 1e-6);
  });

  it('fewer values than n×dim is refused with both counts', () => {
    expect(() => mahalanobisWhiteningJs(new Float32Array(5), 2, 3, 0.1)).toThrow(
      'expected 2×3 embeddings, got 5 values',
    );
    expect(() => mahalanobisWhiteningJs(new Float32Array(4), 2, 2, Number.NaN)).toThrow(
      'the Mahalanobis regularization λ must be > 0, got NaN',
    );
  });

  it('a whitening matrix of the wrong size is refused by distanceJs', () => {
    expect(() => distanceJs('mahalanobis', [1, 2], [2, 3], new Float32Array(3))).toThrow(
      'the whitening matrix must be 2×2, got 3 values',
    );
    expect(() => distanceJs('euclidean', [1, 2], [2])).toThrow('distanceJs needs vectors of equal length, got 2 and 1');
  });
});
