import { describe, expect, it } from 'vitest';
import {
  collapseCheck,
  normStats,
  scaleCollapseCheck,
  tripletViolationFraction,
} from '../../../src/core/metrics/embedding';
import { Rng } from '../../../src/core/rng';

/**
 * The edges of the embedding health checks: empty and one-row sets, the absolute collapse floor on its own, NaN
 * distances, the exact boundaries of the scale-collapse warning, and the numbers as the messages print them.
 * Expected values are worked by hand.
 */

/** Distances of 1-D points as a lookup. */
const absolute =
  (x: number[]) =>
  (i: number, j: number): number =>
    Math.abs(x[i] - x[j]);

describe('normStats and collapseCheck on tiny sets', () => {
  it('reports NaN statistics, and no collapse, when there is no row or only one', () => {
    expect(normStats(new Float32Array(0), 0, 3)).toEqual({ mean: NaN, std: NaN, min: NaN, max: NaN });
    const none = collapseCheck(new Float32Array(0), 0, 3, new Float32Array(0), new Rng(1));
    expect(none).toEqual({ collapsed: false, meanPairDistance: NaN, meanNorm: NaN });
    // One row (3, 4): its norm is known, a pair distance is not.
    const one = collapseCheck(Float32Array.of(3, 4), 1, 2, Float32Array.of(0), new Rng(1));
    expect(one).toEqual({ collapsed: false, meanPairDistance: NaN, meanNorm: 5 });
  });

  it('gives the population spread of the norms, never a negative variance', () => {
    // Norms 1, 2, 2, 3 → mean 2, population variance (1 + 0 + 0 + 1)/4 = 0.5.
    const s = normStats(Float32Array.of(1, 0, 0, 2, 2, 0, 0, 3), 4, 2);
    expect(s.mean).toBe(2);
    expect(s.std).toBeCloseTo(Math.sqrt(0.5), 12);
    expect([s.min, s.max]).toEqual([1, 3]);
    // 100 equal norms of 0.7 (in float32): the sums give a variance of about −1e−15; the spread is 0, not NaN.
    expect(normStats(new Float32Array(100).fill(0.7), 100, 1).std).toBe(0);
  });

  it('refuses shapes that do not fit, naming the check', () => {
    expect(() => normStats(new Float32Array(4), 2, 0)).toThrow('normStats: bad shape [2, 0]');
    expect(() => normStats(new Float32Array(4), -1, 2)).toThrow('normStats: bad shape [-1, 2]');
    expect(() => normStats(new Float32Array(4), 1.5, 2)).toThrow('normStats: bad shape [1.5, 2]');
    expect(() => normStats(new Float32Array(4), 2, 1.5)).toThrow('normStats: bad shape [2, 1.5]');
    expect(() => normStats(new Float32Array(5), 2, 2)).toThrow('normStats: expected 2×2 = 4 values, got 5');
    expect(() => collapseCheck(new Float32Array(4), 2, 2, new Float32Array(3), new Rng(1))).toThrow(
      'collapseCheck: expected an 2×2 distance matrix, got 3 values',
    );
    expect(() => tripletViolationFraction(new Float32Array(4), 2, [0, 1, 1], 1, new Rng(1))).toThrow(
      'tripletViolationFraction: 3 labels for 2 items',
    );
    expect(() => tripletViolationFraction(new Float32Array(3), 2, [0, 1], 1, new Rng(1))).toThrow(
      'tripletViolationFraction: expected an 2×2 distance matrix, got 3 values',
    );
  });
});

describe('collapseCheck', () => {
  it('flags pair distances below the absolute floor even when they are large next to tiny norms', () => {
    // Norms 1e-4 (not the zero vector), pairs 2e-6 apart: 2% of the norm, but below 1e-5.
    const x = [1e-4, 1e-4 + 2e-6, 1e-4 + 4e-6];
    const c = collapseCheck(Float32Array.from(x), 3, 1, absolute(x), new Rng(1));
    expect(c.collapsed).toBe(true);
    expect(c.message).toContain('random pairs of samples are on average only');
  });

  it('leaves NaN distances out of the mean', () => {
    // Pairs (0,1) 2 and (1,2) 4 count, (0,2) is NaN: mean 3.
    const d = (i: number, j: number) => (i + j === 2 ? NaN : i + j === 1 ? 2 : 4);
    const c = collapseCheck(Float32Array.of(1, 2, 3), 3, 1, d, new Rng(1));
    expect(c.meanPairDistance).toBe(3);
    expect(c.collapsed).toBe(false);
  });

  it('prints tiny and huge numbers in exponent form and ordinary ones with three digits', () => {
    // Four rows at 2e4 on one axis, pairs 1e-6 apart on another: mean norm 20000 → "2.00e+4", distance "1.00e-6".
    const n = 4;
    const x = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) x[i * 2] = 2e4;
    const c = collapseCheck(x, n, 2, () => 1e-6, new Rng(1));
    expect(c.message).toContain('only 1.00e-6 apart while the embeddings lie 2.00e+4 from the origin');
    const zero = collapseCheck(new Float32Array(4), 2, 2, () => 0, new Rng(1));
    expect(zero.message).toContain('every embedding is (nearly) the zero vector (mean norm 0.00e+0)');
    // 10⁻³ itself is printed with three digits.
    const edge = scaleCollapseCheck(new Float32Array(4).fill(1e-5), [], { margin: 0.001, scale: null });
    expect(edge.message).toContain('closer than 5.00e-4 (median distance 1.00e-5 within a class');
    expect(edge.message).toContain('while the margin is 0.00100.');
  });

  it('samples pairs of two different rows when there are too many to visit, and averages them', () => {
    // 80 rows: 3160 pairs > 2000 samples. d(i, j) = 1 for i ≠ j and 0 on the diagonal, so any pair of a row with
    // itself would pull the mean below 1.
    const n = 80;
    const c = collapseCheck(new Float32Array(n).fill(1), n, 1, (i, j) => (i === j ? 0 : 1), new Rng(3));
    expect(c.meanPairDistance).toBe(1);
  });
});

describe('tripletViolationFraction', () => {
  it('counts a triplet exactly at the margin as satisfied', () => {
    // d(a,p) − d(a,n) + margin = 1 − 2 + 1 = 0: not a violation; with margin 1.5 every triplet violates.
    const x = [0, 1, 2];
    expect(tripletViolationFraction(absolute(x), 3, [0, 0, 1], 1, new Rng(1))).toBe(0.5);
    // Triplets: (0,1,2): 1 − 2 + 1 = 0 → no; (1,0,2): 1 − 1 + 1 = 1 → yes. Half of 2.
    expect(tripletViolationFraction(absolute(x), 3, [0, 0, 1], 0.5, new Rng(1))).toBe(0.5);
    expect(tripletViolationFraction(absolute(x), 3, [0, 0, 1], 1.5, new Rng(1))).toBe(1);
  });

  it('never samples a singleton anchor, a positive equal to the anchor or a negative of its class', () => {
    // A lookup that fails on any invalid triplet the sampler could draw; 4 × 3 triplets (+ none from the singleton)
    // exceed the budget of 5, so the sampled path runs.
    const labels = [0, 0, 1, 1, 2];
    const d = (i: number, j: number): number => {
      if (i === j) throw new Error(`pair of ${i} with itself`);
      return labels[i] === labels[j] ? 1 : 3;
    };
    for (let seed = 0; seed < 50; seed++) {
      const checked = (a: number, b: number): number => {
        const v = d(a, b);
        if (labels[a] === 2) throw new Error('the singleton was drawn as an anchor');
        return v;
      };
      expect(tripletViolationFraction(checked, 5, labels, 1, new Rng(seed), 5)).toBe(0);
      expect(tripletViolationFraction(checked, 5, labels, 2.5, new Rng(seed), 5)).toBe(1);
    }
  });
});

describe('scaleCollapseCheck boundaries', () => {
  const reference = { margin: 0.2, scale: null };

  it('needs at least 95% of the pairs strictly below the limit', () => {
    // Limit 0.1 (half the margin). 19 of 20 below → 95% → squeezed; 18 of 20 → not.
    const below = new Float32Array(19).fill(0.01);
    expect(scaleCollapseCheck(below, Float32Array.of(0.5), reference).squeezed).toBe(true);
    expect(scaleCollapseCheck(below.subarray(0, 18), Float32Array.of(0.5, 0.5), reference).squeezed).toBe(false);
    // Exactly at the limit (0.25, half the margin 0.5, exact in float32) is not closer than it.
    const at = scaleCollapseCheck(new Float32Array(10).fill(0.25), new Float32Array(10).fill(0.25), {
      margin: 0.5,
      scale: null,
    });
    expect(at.fractionBelow).toBe(0);
    expect(at.squeezed).toBe(false);
  });

  it('ignores a zero margin and a zero scale, and takes the larger of two limits', () => {
    const d = new Float32Array(10).fill(0.001);
    expect(scaleCollapseCheck(d, d, { margin: 0, scale: null })).toMatchObject({ squeezed: false, limit: NaN });
    expect(scaleCollapseCheck(d, d, { margin: null, scale: 0 })).toMatchObject({ squeezed: false, limit: NaN });
    expect(scaleCollapseCheck(d, d, { margin: 0, scale: 2 }).limit).toBeCloseTo(0.1, 12);
    expect(scaleCollapseCheck(d, d, { margin: 1, scale: 0 }).limit).toBeCloseTo(0.5, 12);
    expect(scaleCollapseCheck(d, d, { margin: 1, scale: 20 }).limit).toBeCloseTo(1, 12);
    const margin0 = scaleCollapseCheck(d, d, { margin: 0, scale: 2 });
    expect(margin0.message).not.toContain('the margin is');
    expect(margin0.message).toContain('the largest distance the embedding allows is 2.00');
  });

  it('reports the medians of the finite distances, and NaN without any pair', () => {
    const c = scaleCollapseCheck(Float32Array.of(3, 1, 2, NaN), Float32Array.of(4, Infinity, 1, 3, 2), {
      margin: 10,
      scale: null,
    });
    expect([c.medianPositive, c.medianNegative]).toEqual([2, 2.5]);
    const empty = scaleCollapseCheck([], [], { margin: 1, scale: 2 });
    expect(empty).toEqual({
      squeezed: false,
      fractionBelow: NaN,
      limit: NaN,
      medianPositive: NaN,
      medianNegative: NaN,
    });
  });

  it('prints the share of squeezed pairs as a whole percentage and suggests L2 normalisation only when it is off', () => {
    const d = Float32Array.from({ length: 40 }, (_, i) => (i < 39 ? 0.01 : 1));
    const c = scaleCollapseCheck(d, [], { margin: 0.2, scale: null });
    expect(c.message).toContain('The embedding has shrunk: 98% of held-out pairs are closer than 0.100');
    expect(c.message).toContain('(median distance 0.0100 within a class, NaN between classes)');
    expect(c.message).toContain('a smaller learning rate or a smaller margin, and train again.');
    const unknown = scaleCollapseCheck(d, [], { margin: 0.2, scale: null, l2Normalized: undefined });
    expect(unknown.message).not.toContain('L2 normalisation');
    const off = scaleCollapseCheck(d, [], { margin: 0.2, scale: null, l2Normalized: false });
    expect(off.message).toContain('a smaller learning rate, L2 normalisation or a smaller margin');
  });
});

describe('collapseCheck pairs and thresholds', () => {
  /** A lookup that counts its calls and refuses a pair of a row with itself or a row outside 0..n − 1. */
  function counting(n: number, value: number) {
    const calls = { count: 0 };
    const d = (i: number, j: number): number => {
      if (i === j || i < 0 || j < 0 || i >= n || j >= n || !Number.isInteger(i) || !Number.isInteger(j))
        throw new Error(`bad pair (${i}, ${j})`);
      calls.count++;
      return value;
    };
    return { d, calls };
  }

  it('visits every pair once when there are at most 2000, and draws exactly 2000 otherwise', () => {
    // 63 rows: 1953 pairs, all visited. 64 rows: 2016 pairs, 2000 drawn.
    for (const [n, expected] of [
      [63, 1953],
      [64, 2000],
      [200, 2000],
    ] as const) {
      const { d, calls } = counting(n, 1);
      const c = collapseCheck(new Float32Array(n).fill(1), n, 1, d, new Rng(n));
      expect(calls.count, `${n} rows`).toBe(expected);
      expect(c.meanPairDistance).toBe(1);
    }
  });

  it('does not call a mean distance exactly at the absolute floor or at the relative limit collapsed', () => {
    // Two rows of norm 0.005: the relative limit (1e−3 × 0.005) is below the absolute floor 1e−5.
    expect(collapseCheck(Float32Array.of(0.005, 0.005), 2, 1, () => 1e-5, new Rng(1)).collapsed).toBe(false);
    expect(collapseCheck(Float32Array.of(0.005, 0.005), 2, 1, () => 0.99e-5, new Rng(1)).collapsed).toBe(true);
    // Two rows of norm 1: the relative limit is 1e−3.
    expect(collapseCheck(Float32Array.of(1, 1), 2, 1, () => 1e-3, new Rng(1)).collapsed).toBe(false);
    expect(collapseCheck(Float32Array.of(1, 1), 2, 1, () => 0.99e-3, new Rng(1)).collapsed).toBe(true);
  });

  it('judges no single embedding, even the zero vector', () => {
    expect(collapseCheck(new Float32Array(3), 1, 3, () => 0, new Rng(1))).toEqual({
      collapsed: false,
      meanPairDistance: NaN,
      meanNorm: 0,
    });
  });

  it('names itself when the embeddings do not fit their shape, and says what to try', () => {
    expect(() => collapseCheck(new Float32Array(3), 2, 2, () => 1, new Rng(1))).toThrow(
      'collapseCheck: expected 2×2 = 4 values, got 3',
    );
    const c = collapseCheck(new Float32Array(4), 2, 2, () => 0, new Rng(1));
    expect(c.message).toBe(
      'The embedding has collapsed: every embedding is (nearly) the zero vector (mean norm 0.00e+0), so the network ' +
        'maps every sample to (nearly) the same point and cannot tell them apart. This often happens with ' +
        'hard-negative mining early in training; try semi-hard or batch-all mining, a smaller learning rate, or a ' +
        'smaller margin, then reset.',
    );
  });
});

describe('tripletViolationFraction budget', () => {
  it('enumerates every triplet once when their number equals the budget, and draws the budget otherwise', () => {
    // Labels 0 0 1 1 2: anchors of classes 0 and 1 have 1 positive × 3 negatives each → 12 triplets.
    const labels = [0, 0, 1, 1, 2];
    const seen = new Map<string, number>();
    let calls = 0;
    const d = (i: number, j: number): number => {
      calls++;
      return labels[i] === labels[j] ? 1 : 3 + i + 10 * j;
    };
    const seenBy = (i: number, j: number): number => {
      if (labels[i] !== labels[j]) seen.set(`${i},${j}`, (seen.get(`${i},${j}`) ?? 0) + 1);
      return d(i, j);
    };
    tripletViolationFraction(seenBy, 5, labels, 1, new Rng(1), 12);
    // Every (anchor, negative) pair of the 12 triplets appears once.
    expect(seen.size).toBe(12);
    expect([...seen.values()].every((v) => v === 1)).toBe(true);
    calls = 0;
    tripletViolationFraction(d, 5, labels, 1, new Rng(1), 11);
    expect(calls).toBe(2 * 11); // sampled: two distances per drawn triplet
  });
});

describe('scaleCollapseCheck yardsticks in the message', () => {
  it('names only the yardsticks that apply: no scale of 0, no margin of 0', () => {
    const d = new Float32Array(10).fill(0.001);
    const marginOnly = scaleCollapseCheck(d, d, { margin: 1, scale: 0, scaleName: 'the scale' });
    expect(marginOnly.squeezed).toBe(true);
    expect(marginOnly.message).toContain('while the margin is 1.00.');
    expect(marginOnly.message).not.toContain('the scale is');
  });
});
