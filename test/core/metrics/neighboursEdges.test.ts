import { describe, expect, it } from 'vitest';
import { nearestNeighbours, rowDistance, verdictAt } from '../../../src/core/metrics/neighbours';

/** The edges of the neighbour search: k at and beyond the set size, ties across the cut, and every refused input. */

const euclidean = { distance: 'euclidean' } as const;

describe('nearestNeighbours', () => {
  it('keeps the lower index when a later point ties with the last one kept', () => {
    // 1-D points 3, 1, 2, 1, 2 from query 0: distances 3, 1, 2, 1, 2 → by (distance, index): 1, 3, 2, 4, 0.
    const x = Float32Array.of(3, 1, 2, 1, 2);
    expect(nearestNeighbours(x, 5, 1, [0], 3, euclidean)).toEqual([
      { index: 1, distance: 1 },
      { index: 3, distance: 1 },
      { index: 2, distance: 2 },
    ]);
    expect(nearestNeighbours(x, 5, 1, [0], 1, euclidean).map((g) => g.index)).toEqual([1]);
    expect(nearestNeighbours(x, 5, 1, [0], 5, euclidean).map((g) => g.index)).toEqual([1, 3, 2, 4, 0]);
  });

  it('replaces the last kept neighbour by a strictly nearer later one, in sorted place', () => {
    // Distances 5, 4, 3, 2, 1 arrive farthest first: each new point moves to the front.
    const x = Float32Array.of(5, 4, 3, 2, 1);
    expect(nearestNeighbours(x, 5, 1, [0], 2, euclidean).map((g) => g.index)).toEqual([4, 3]);
    expect(nearestNeighbours(x, 5, 1, [0], 4, euclidean).map((g) => g.index)).toEqual([4, 3, 2, 1]);
  });

  it('orders NaN distances last among themselves by index, and never before a finite one', () => {
    const x = Float32Array.of(NaN, 7, NaN, 1);
    expect(nearestNeighbours(x, 4, 1, [0], 4, euclidean).map((g) => g.index)).toEqual([3, 1, 0, 2]);
    expect(nearestNeighbours(x, 4, 1, [0], 2, euclidean).map((g) => g.index)).toEqual([3, 1]);
  });

  it('returns nothing from an empty set and refuses bad shapes and k', () => {
    expect(nearestNeighbours(new Float32Array(0), 0, 2, [0, 0], 3, euclidean)).toEqual([]);
    expect(() => nearestNeighbours(new Float32Array(0), -1, 2, [0, 0], 1, euclidean)).toThrow(
      'nearestNeighbours: bad shape [-1, 2]',
    );
    expect(() => nearestNeighbours(new Float32Array(3), 1.5, 2, [0, 0], 1, euclidean)).toThrow(
      'nearestNeighbours: bad shape [1.5, 2]',
    );
    expect(() => nearestNeighbours(new Float32Array(0), 0, 0, [], 1, euclidean)).toThrow(
      'nearestNeighbours: bad shape [0, 0]',
    );
    expect(() => nearestNeighbours(new Float32Array(3), 2, 1.5, [0, 0], 1, euclidean)).toThrow(
      'nearestNeighbours: bad shape [2, 1.5]',
    );
    expect(() => nearestNeighbours(Float32Array.of(1, 2), 2, 1, [0], 1.5, euclidean)).toThrow(
      'k must be a whole number ≥ 1, got 1.5',
    );
  });
});

describe('rowDistance and verdictAt', () => {
  it('refuses a row outside 0..n − 1 or not a whole number, naming which sample', () => {
    const x = Float32Array.of(0, 0, 3, 4, 1, 1);
    expect(rowDistance(x, 2, 2, 0, 'euclidean')).toBeCloseTo(Math.SQRT2, 6);
    expect(rowDistance(x, 2, 1, 1, 'euclidean')).toBeLessThan(1e-5);
    expect(() => rowDistance(x, 2, -1, 0, 'euclidean')).toThrow('sample a must be a point number from 0 to 2, got -1');
    expect(() => rowDistance(x, 2, 0.5, 0, 'euclidean')).toThrow(
      'sample a must be a point number from 0 to 2, got 0.5',
    );
    expect(() => rowDistance(x, 2, 0, 1.5, 'euclidean')).toThrow(
      'sample b must be a point number from 0 to 2, got 1.5',
    );
  });

  it('uses the whitening matrix for the Mahalanobis distance', () => {
    // W = diag(2, 1): the rows (0, 0) and (3, 4) are √(6² + 4²) apart.
    const x = Float32Array.of(0, 0, 3, 4);
    expect(rowDistance(x, 2, 0, 1, 'mahalanobis', Float32Array.of(2, 0, 0, 1))).toBeCloseTo(Math.sqrt(52), 5);
  });

  it('calls a NaN distance "different" whatever the threshold', () => {
    expect(verdictAt(Number.NaN, Infinity)).toBe('different');
    expect(verdictAt(0, 0)).toBe('same');
  });
});
