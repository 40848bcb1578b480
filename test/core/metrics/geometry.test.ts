import { describe, expect, it } from 'vitest';
import { alignmentUniformity } from '../../../src/core/metrics/geometry';
import { Rng } from '../../../src/core/rng';

/** The definitions, pair by pair, in float64 (the reference the tensor version must match). */
function bruteForce(
  x: Float32Array,
  n: number,
  dim: number,
  labels: number[],
): { alignment: number; uniformity: number } {
  const f = Array.from({ length: n }, (_, i) => {
    const row = Array.from(x.subarray(i * dim, (i + 1) * dim));
    const norm = Math.max(Math.hypot(...row), 1e-12);
    return row.map((v) => v / norm);
  });
  let align = 0;
  let positives = 0;
  let potential = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const d2 = f[i].reduce((s, v, k) => s + (v - f[j][k]) ** 2, 0);
      potential += Math.exp(-2 * d2);
      if (labels[i] === labels[j]) {
        align += d2;
        positives++;
      }
    }
  return { alignment: align / positives, uniformity: Math.log(potential / (n * (n - 1))) };
}

describe('alignment and uniformity (Wang & Isola 2020)', () => {
  it('all points identical: alignment 0 and uniformity 0', () => {
    const x = new Float32Array(6 * 3);
    for (let i = 0; i < 6; i++) x.set([0.3, -1.2, 2], i * 3);
    const g = alignmentUniformity(x, 6, 3, [0, 0, 1, 1, 2, 2], new Rng(1));
    expect(g.alignment).toBeCloseTo(0, 5);
    expect(g.uniformity).toBeCloseTo(0, 5);
  });

  it('all-zero embeddings (a collapsed tower) count as one spot, not NaN', () => {
    const g = alignmentUniformity(new Float32Array(4 * 5), 4, 5, [0, 0, 1, 1], new Rng(1));
    expect(g.alignment).toBe(0);
    expect(g.uniformity).toBe(0);
  });

  it('antipodal positives: alignment 4; one antipodal pair: uniformity −8', () => {
    // Two classes, each a pair of opposite points on the unit circle (scaled: normalisation must undo the scale).
    const x = Float32Array.from([3, 0, -5, 0, 0, 2, 0, -7]);
    const g = alignmentUniformity(x, 4, 2, [0, 0, 1, 1], new Rng(1));
    expect(g.alignment).toBeCloseTo(4, 5);
    // Pairs: 2 antipodal (d² = 4) and 4 orthogonal (d² = 2), each counted both ways.
    expect(g.uniformity).toBeCloseTo(Math.log((2 * Math.exp(-8) + 4 * Math.exp(-4)) / 6), 5);
    const two = alignmentUniformity(Float32Array.from([1, 0, -1, 0]), 2, 2, [0, 1], new Rng(1));
    expect(two.uniformity).toBeCloseTo(-8, 5);
    expect(two.alignment).toBeNaN(); // no positive pair
  });

  it('matches the pair-by-pair definition on random data', () => {
    const rng = new Rng(7);
    const n = 40;
    const dim = 5;
    const x = Float32Array.from({ length: n * dim }, () => rng.normal());
    const labels = Array.from({ length: n }, (_, i) => i % 4);
    const g = alignmentUniformity(x, n, dim, labels, new Rng(1));
    const want = bruteForce(x, n, dim, labels);
    expect(g.alignment).toBeCloseTo(want.alignment, 4);
    expect(g.uniformity).toBeCloseTo(want.uniformity, 4);
    expect(g.points).toBe(n);
  });

  it('alignment is exact over every positive pair of any set; uniformity over every pair up to the pair cap', () => {
    const rng = new Rng(11);
    const n = 600;
    const dim = 6;
    const x = Float32Array.from({ length: n * dim }, () => rng.normal());
    const labels = Array.from({ length: n }, (_, i) => (i * 7) % 5);
    const want = bruteForce(x, n, dim, labels);
    const every = alignmentUniformity(x, n, dim, labels, new Rng(1), (n * (n - 1)) / 2);
    expect(every.points).toBe(n);
    expect(every.pairs).toBe((n * (n - 1)) / 2);
    expect(every.alignment).toBeCloseTo(want.alignment, 6);
    expect(every.uniformity).toBeCloseTo(want.uniformity, 6);
    // Above the cap the uniformity is sampled, the alignment is not.
    const sampled = alignmentUniformity(x, n, dim, labels, new Rng(1), 20000);
    expect(sampled.pairs).toBe(20000);
    expect(sampled.alignment).toBe(every.alignment);
    expect(sampled.uniformity).not.toBe(every.uniformity);
    expect(Math.abs(sampled.uniformity - want.uniformity)).toBeLessThan(0.05);
  });

  it('a set above the pair cap is estimated on a seeded sample of that many pairs of distinct points', () => {
    const rng = new Rng(3);
    const n = 300;
    const x = Float32Array.from({ length: n * 4 }, () => rng.normal());
    const labels = Array.from({ length: n }, (_, i) => i % 3);
    const a = alignmentUniformity(x, n, 4, labels, new Rng(5), 2000);
    const b = alignmentUniformity(x, n, 4, labels, new Rng(5), 2000);
    const c = alignmentUniformity(x, n, 4, labels, new Rng(6), 2000);
    expect(a.pairs).toBe(2000);
    expect(a.points).toBe(n);
    expect(a).toEqual(b);
    expect(c.uniformity).not.toBe(a.uniformity);
    const full = bruteForce(x, n, 4, labels);
    expect(a.alignment).toBeCloseTo(full.alignment, 6);
    expect(Math.abs(a.uniformity - full.uniformity)).toBeLessThan(0.1);
    // Every point pairs with every other alike: one-hot points are all √2 apart, so any sample of distinct pairs
    // averages exactly e^−4, and a point drawn against itself (potential 1) would show.
    const m = 20;
    const oneHot = new Float32Array(m * m);
    for (let i = 0; i < m; i++) oneHot[i * m + i] = 1 + i;
    for (const seed of [1, 2, 3]) {
      const g = alignmentUniformity(
        oneHot,
        m,
        m,
        Array.from({ length: m }, (_, i) => i),
        new Rng(seed),
        50,
      );
      expect(g.uniformity).toBeCloseTo(-4, 10);
    }
  });

  it('sampled pairs cover the whole set: the mean potential of a set with one far-off cluster', () => {
    // 400 points at one spot and 400 at its antipode: a quarter of the pairs are 0 apart on each side (potential
    // 1), half are antipodal (e^−8); a sampler that kept to part of the set would miss the mix.
    const n = 800;
    const x = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) x[i * 2] = i < n / 2 ? 1 : -1;
    const labels = Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
    const g = alignmentUniformity(x, n, 2, labels, new Rng(9), 20000);
    const same = (2 * (n / 2) * (n / 2 - 1)) / (n * (n - 1));
    expect(g.uniformity).toBeCloseTo(Math.log(same + (1 - same) * Math.exp(-8)), 1);
    expect(g.alignment).toBe(0);
  });
});
