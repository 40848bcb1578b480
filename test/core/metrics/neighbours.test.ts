import { describe, expect, it } from 'vitest';
import { DISTANCES } from '../../../src/core/config';
import { distanceJs } from '../../../src/core/distances';
import { nearestNeighbours, rowDistance, verdictAt } from '../../../src/core/metrics/neighbours';
import { Rng } from '../../../src/core/rng';

/** Reference: every distance, full sort by (distance, index). */
function bruteForce(
  x: Float32Array,
  n: number,
  dim: number,
  q: Float32Array,
  k: number,
  distance: (typeof DISTANCES)[number],
  w?: Float32Array,
  exclude?: number,
) {
  const all = Array.from({ length: n }, (_, i) => ({
    index: i,
    distance: distanceJs(distance, q, x.subarray(i * dim, (i + 1) * dim), w),
  })).filter((c) => c.index !== exclude);
  all.sort((a, b) => a.distance - b.distance || a.index - b.index);
  return all.slice(0, k);
}

describe('nearestNeighbours', () => {
  const rng = new Rng(11);
  const n = 300;
  const dim = 6;
  const x = Float32Array.from({ length: n * dim }, () => rng.normal());
  const whitening = Float32Array.from({ length: dim * dim }, (_, t) =>
    t % (dim + 1) === 0 ? 1 + (t % 3) : t % dim > t / dim ? 0.1 : 0,
  );

  it.each(DISTANCES)('lists the true k nearest by %s distance, nearest first', (distance) => {
    for (const query of [0, 17, 299]) {
      const q = x.slice(query * dim, (query + 1) * dim);
      const w = distance === 'mahalanobis' ? whitening : undefined;
      const got = nearestNeighbours(x, n, dim, q, 7, { distance, whitening: w, exclude: query });
      expect(got).toEqual(bruteForce(x, n, dim, q, 7, distance, w, query));
      expect(got.map((g) => g.index)).not.toContain(query);
    }
  });

  it('breaks ties by index and keeps the query itself unless excluded', () => {
    // Points 1, 2 and 4 are at the same distance from the origin query; 3 equals it.
    const pts = Float32Array.of(5, 5, 1, 0, 0, 1, 0, 0, -1, 0);
    const got = nearestNeighbours(pts, 5, 2, [0, 0], 3, { distance: 'euclidean' });
    expect(got.map((g) => g.index)).toEqual([3, 1, 2]);
    const without = nearestNeighbours(pts, 5, 2, [0, 0], 3, { distance: 'euclidean', exclude: 3 });
    expect(without.map((g) => g.index)).toEqual([1, 2, 4]);
    // k beyond n lists everything.
    expect(nearestNeighbours(pts, 5, 2, [0, 0], 10, { distance: 'euclidean' })).toHaveLength(5);
  });

  it('puts NaN distances last and explains bad input', () => {
    const pts = Float32Array.of(NaN, 0, 2, 0, 1, 0);
    expect(nearestNeighbours(pts, 3, 2, [0, 0], 3, { distance: 'euclidean' }).map((g) => g.index)).toEqual([2, 1, 0]);
    expect(() => nearestNeighbours(pts, 3, 2, [0, 0, 0], 1, { distance: 'euclidean' })).toThrow(
      'the query has 3 values, the embeddings 2',
    );
    expect(() => nearestNeighbours(pts, 3, 2, [0, 0], 0, { distance: 'euclidean' })).toThrow(
      'k must be a whole number ≥ 1, got 0',
    );
    expect(() => nearestNeighbours(pts, 4, 2, [0, 0], 1, { distance: 'euclidean' })).toThrow(
      'expected 4×2 = 8 values, got 6',
    );
  });
});

describe('rowDistance and verdictAt', () => {
  it('measures two rows with the run distance and calls d ≤ threshold "same"', () => {
    const x = Float32Array.of(0, 0, 3, 4, 1, 1);
    expect(rowDistance(x, 2, 0, 1, 'euclidean')).toBeCloseTo(5, 12);
    expect(rowDistance(x, 2, 1, 2, 'manhattan')).toBe(5);
    expect(() => rowDistance(x, 2, 0, 3, 'euclidean')).toThrow('sample b must be a point number from 0 to 2, got 3');
    expect(verdictAt(0.5, 0.5)).toBe('same');
    expect(verdictAt(0.51, 0.5)).toBe('different');
  });
});
