import { describe, expect, it } from 'vitest';
import {
  collapseCheck,
  normStats,
  scaleCollapseCheck,
  tripletViolationFraction,
} from '../../../src/core/metrics/embedding';
import { Rng } from '../../../src/core/rng';

function euclideanMatrix(x: Float32Array, n: number, dim: number): Float32Array {
  const d = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (x[i * dim + k] - x[j * dim + k]) ** 2;
      d[i * n + j] = Math.sqrt(Math.max(s, 1e-12)); // as the ε-guarded training distance
    }
  return d;
}

function randomEmbeddings(seed: number, n: number, dim: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * dim }, () => rng.normal(0, scale));
}

/** Every valid (a, p, n) triplet, straight from the definition. */
function bruteForceViolation(d: Float32Array, n: number, labels: number[], margin: number): number {
  let total = 0;
  let violations = 0;
  for (let a = 0; a < n; a++)
    for (let p = 0; p < n; p++)
      for (let q = 0; q < n; q++) {
        if (p === a || labels[p] !== labels[a] || labels[q] === labels[a]) continue;
        total++;
        if (d[a * n + p] - d[a * n + q] + margin > 0) violations++;
      }
  return violations / total;
}

describe('normStats', () => {
  it('matches plain norms', () => {
    // Rows (3, 4) and (0, 1): norms 5 and 1 → mean 3, population std 2.
    expect(normStats(Float32Array.of(3, 4, 0, 1), 2, 2)).toEqual({ mean: 3, std: 2, min: 1, max: 5 });
  });
});

describe('collapseCheck', () => {
  it('flags embeddings that are all the same point, in plain words', () => {
    const n = 50;
    const dim = 8;
    const x = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) x.set([0.3, -0.2, 0.5, 0.1, 0, 0.4, -0.6, 0.2], i * dim);
    const c = collapseCheck(x, n, dim, euclideanMatrix(x, n, dim), new Rng(1));
    expect(c.collapsed).toBe(true);
    expect(c.meanPairDistance).toBeCloseTo(1e-6, 9); // the ε floor of sqrt(max(0, 1e-12))
    expect(c.message).toMatch(/collapsed.*same point/);
  });

  it('flags all-zero embeddings', () => {
    const x = new Float32Array(10 * 4);
    const c = collapseCheck(x, 10, 4, euclideanMatrix(x, 10, 4), new Rng(1));
    expect(c.collapsed).toBe(true);
    expect(c.message).toMatch(/zero vector/);
  });

  it('flags points crowded far from the origin (tiny spread relative to the norm)', () => {
    const rng = new Rng(4);
    const n = 40;
    const x = Float32Array.from({ length: n * 4 }, (_, t) => (t % 4 === 0 ? 100 : 0) + rng.normal(0, 1e-3));
    expect(collapseCheck(x, n, 4, euclideanMatrix(x, n, 4), new Rng(1)).collapsed).toBe(true);
  });

  it('does not flag spread embeddings, sampled or exhaustive', () => {
    for (const n of [20, 120]) {
      const x = randomEmbeddings(2, n, 8);
      const d = euclideanMatrix(x, n, 8);
      const c = collapseCheck(x, n, 8, d, new Rng(1));
      expect(c.collapsed).toBe(false);
      expect(c.message).toBeUndefined();
      // Mean over all pairs, for comparison with the (possibly sampled) estimate.
      let sum = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sum += d[i * n + j];
      expect(c.meanPairDistance).toBeCloseTo(sum / ((n * (n - 1)) / 2), n <= 63 ? 5 : 1);
    }
  });
});

describe('tripletViolationFraction', () => {
  it('is exact when every triplet fits in the sample budget', () => {
    const n = 15;
    const rng = new Rng(5);
    const labels = Array.from({ length: n }, () => rng.int(3));
    const x = randomEmbeddings(6, n, 3);
    const d = euclideanMatrix(x, n, 3);
    for (const margin of [0, 0.5, 2]) {
      const expected = bruteForceViolation(d, n, labels, margin);
      expect(tripletViolationFraction(d, n, labels, margin, new Rng(1), 100_000)).toBe(expected);
    }
  });

  it('estimates the exact fraction when sampling, with unequal class sizes', () => {
    const n = 60;
    const labels = Array.from({ length: n }, (_, i) => (i < 40 ? 0 : i < 55 ? 1 : 2));
    const x = randomEmbeddings(7, n, 4);
    for (let i = 0; i < n; i++) x[i * 4] += labels[i]; // some structure
    const d = euclideanMatrix(x, n, 4);
    const exact = bruteForceViolation(d, n, labels, 0.3);
    const estimate = tripletViolationFraction(d, n, labels, 0.3, new Rng(8), 20_000);
    // Binomial standard error ≤ 0.5/√20000 ≈ 0.0035; 0.015 is over 4 of them.
    expect(Math.abs(estimate - exact)).toBeLessThan(0.015);
    expect(exact).toBeGreaterThan(0.05);
    expect(exact).toBeLessThan(0.95);
  });

  it('is 0 for well-separated classes and NaN without valid triplets', () => {
    const x = Float32Array.of(0, 0.1, 10, 10.1);
    const d = euclideanMatrix(x, 4, 1);
    expect(tripletViolationFraction(d, 4, [0, 0, 1, 1], 1, new Rng(1))).toBe(0);
    expect(tripletViolationFraction(d, 4, [0, 1, 2, 3], 1, new Rng(1))).toBeNaN();
  });
});

describe('scaleCollapseCheck', () => {
  const spaced = (from: number, to: number, count: number) =>
    Float32Array.from({ length: count }, (_, i) => from + ((to - from) * i) / (count - 1));

  it('flags pairs squeezed far inside the margin, with the numbers and what to change', () => {
    // Distances as on the hard-mining lesson: about 0.01 within a class, 0.03 between classes, margin 0.2.
    const c = scaleCollapseCheck(spaced(0.005, 0.015, 100), spaced(0.02, 0.04, 100), {
      margin: 0.2,
      scale: 2,
      scaleName: "the unit sphere's diameter",
      l2Normalized: true,
    });
    expect(c.squeezed).toBe(true);
    expect(c.fractionBelow).toBe(1);
    expect(c.limit).toBeCloseTo(0.1, 6); // half the margin (larger than 5% of the diameter 2)
    expect(c.medianPositive).toBeCloseTo(0.01, 3);
    expect(c.medianNegative).toBeCloseTo(0.03, 3);
    expect(c.message).toMatch(/100% of held-out pairs are closer than 0\.100/);
    expect(c.message).toMatch(/margin is 0\.200/);
    expect(c.message).toMatch(/unit sphere's diameter is 2\.00/);
    expect(c.message).toMatch(/semi-hard or batch-all mining.*learning rate.*margin/);
    expect(c.message).not.toMatch(/L2 normalisation/);
  });

  it('suggests L2 normalisation only when it is off', () => {
    const c = scaleCollapseCheck(spaced(0.01, 0.02, 50), spaced(0.01, 0.03, 50), {
      margin: 1,
      scale: null,
      l2Normalized: false,
    });
    expect(c.squeezed).toBe(true);
    expect(c.message).toMatch(/L2 normalisation/);
  });

  it('stays silent when the different-class pairs reach the margin, or when only a few pairs are short', () => {
    const healthy = scaleCollapseCheck(spaced(0.3, 0.9, 100), spaced(0.8, 1.6, 100), { margin: 0.2, scale: 2 });
    expect(healthy.squeezed).toBe(false);
    expect(healthy.message).toBeUndefined();
    // 90% of pairs inside the limit is not "nearly all" (95%).
    const most = scaleCollapseCheck(
      spaced(0.01, 0.02, 90),
      Float32Array.of(...spaced(0.01, 0.02, 90), ...spaced(1, 2, 20)),
      {
        margin: 0.2,
        scale: null,
      },
    );
    expect(most.fractionBelow).toBeCloseTo(180 / 200, 6);
    expect(most.squeezed).toBe(false);
  });

  it('uses the scale alone when the loss has no margin, and says nothing without a yardstick', () => {
    const scaleOnly = scaleCollapseCheck(spaced(0.01, 0.05, 40), spaced(0.02, 0.08, 40), { margin: null, scale: 2 });
    expect(scaleOnly.limit).toBeCloseTo(0.1, 6);
    expect(scaleOnly.squeezed).toBe(true);
    expect(scaleOnly.message).not.toMatch(/margin is/);
    const none = scaleCollapseCheck(spaced(0.01, 0.05, 40), spaced(0.02, 0.08, 40), { margin: null, scale: null });
    expect(none.squeezed).toBe(false);
    expect(Number.isNaN(none.fractionBelow)).toBe(true);
  });
});
