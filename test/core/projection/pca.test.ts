import { describe, expect, it } from 'vitest';
import { StablePca, pca2 } from '../../../src/core/projection/pca';
import { bestOrthogonal2 } from '../../../src/core/projection/stablePlane';
import { Rng } from '../../../src/core/rng';

function unit(v: number[]): number[] {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Random orthonormal dim×dim matrix (Gram–Schmidt of a Gaussian matrix); rows are the basis vectors. */
function randomOrthogonal(rng: Rng, dim: number): number[][] {
  const rows: number[][] = [];
  while (rows.length < dim) {
    const v = Array.from({ length: dim }, () => rng.normal());
    for (const r of rows) {
      const p = r.reduce((s, x, k) => s + x * v[k], 0);
      for (let k = 0; k < dim; k++) v[k] -= p * r[k];
    }
    rows.push(unit(v));
  }
  return rows;
}

/** n points: mean + a·std1·u + b·std2·w + noise, with u ⟂ w unit vectors. */
function structured(
  rng: Rng,
  n: number,
  dim: number,
  u: number[],
  w: number[],
  std1: number,
  std2: number,
  noise: number,
): Float32Array {
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const a = rng.normal(0, std1);
    const b = rng.normal(0, std2);
    for (let k = 0; k < dim; k++) x[i * dim + k] = 2 + k * 0.1 + a * u[k] + b * w[k] + rng.normal(0, noise);
  }
  return x;
}

function column(components: Float32Array, c: number, dim: number): number[] {
  return Array.from({ length: dim }, (_, k) => components[k * 2 + c]);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
};

/** Plain covariance (divisor n) for eigen-residual checks. */
function covariance(x: Float32Array, n: number, dim: number): { cov: number[][]; mean: number[] } {
  const mean = Array.from({ length: dim }, (_, k) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * dim + k];
    return s / n;
  });
  const cov = Array.from({ length: dim }, (_, a) =>
    Array.from({ length: dim }, (_, b) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (x[i * dim + a] - mean[a]) * (x[i * dim + b] - mean[b]);
      return s / n;
    }),
  );
  return { cov, mean };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('pca2', () => {
  for (const dim of [8, 300]) {
    it(`recovers known leading directions and their variance fractions (dim ${dim})`, () => {
      const rng = new Rng(dim);
      const basis = randomOrthogonal(new Rng(100 + dim), dim);
      const [u, w] = [basis[0], basis[1]];
      const n = dim > 100 ? 120 : 400;
      const x = structured(rng, n, dim, u, w, 5, 2, 0.05);
      const { mean, components, explainedVariance } = pca2(x, n, dim);
      const c0 = column(components, 0, dim);
      const c1 = column(components, 1, dim);
      expect(Math.abs(dot(c0, u))).toBeGreaterThan(0.999);
      expect(Math.abs(dot(c1, w))).toBeGreaterThan(0.99);
      expect(dot(c0, c0)).toBeCloseTo(1, 5);
      expect(dot(c0, c1)).toBeCloseTo(0, 5);
      // Reference: variance of the data along each returned component over the total variance.
      const { cov, mean: referenceMean } = covariance(x, n, dim);
      expect(maxAbsDiff(mean, referenceMean)).toBeLessThan(1e-4);
      const total = cov.reduce((s, row, k) => s + row[k], 0);
      const along = (c: number[]) =>
        dot(
          c,
          cov.map((row) => dot(row, c)),
        );
      expect(explainedVariance[0]).toBeCloseTo(along(c0) / total, 4);
      expect(explainedVariance[1]).toBeCloseTo(along(c1) / total, 4);
      // Eigenvector residual ‖C·v − λ·v‖ small relative to λ₁.
      const lambda0 = along(c0);
      const residual = Math.hypot(...cov.map((row, k) => dot(row, c0) - lambda0 * c0[k]));
      expect(residual / lambda0).toBeLessThan(1e-4);
      // Sign convention: the largest-magnitude entry of each component is positive.
      for (const c of [c0, c1]) expect(c.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0)).toBeGreaterThan(0);
    });
  }

  it('finds the right plane when the two leading variances are nearly equal', () => {
    const dim = 12;
    const basis = randomOrthogonal(new Rng(41), dim);
    const n = 300;
    const x = structured(new Rng(42), n, dim, basis[0], basis[1], 3, 2.95, 0.3);
    const { components } = pca2(x, n, dim);
    const { cov } = covariance(x, n, dim);
    for (const c of [0, 1]) {
      const v = column(components, c, dim);
      const lambda = dot(
        v,
        cov.map((row) => dot(row, v)),
      );
      const residual = Math.hypot(...cov.map((row, k) => dot(row, v) - lambda * v[k]));
      expect(residual / lambda).toBeLessThan(1e-4);
    }
  });

  it('is deterministic and handles data without variance', () => {
    const x = structured(new Rng(5), 50, 6, unit([1, 1, 0, 0, 0, 0]), unit([0, 0, 1, -1, 0, 0]), 1, 0.5, 0.01);
    expect(pca2(x, 50, 6)).toEqual(pca2(x, 50, 6));
    const constant = new Float32Array(20 * 5).fill(3);
    const flat = pca2(constant, 20, 5);
    expect(flat.explainedVariance).toEqual([0, 0]);
    expect(Array.from(flat.components).every(Number.isFinite)).toBe(true);
    expect(dot(column(flat.components, 0, 5), column(flat.components, 1, 5))).toBeCloseTo(0, 6); // float32 components
  });
});

describe('bestOrthogonal2', () => {
  it('recovers a rotation and a reflection Q from M = Q (the identity is the best match of Q to Q)', () => {
    const angle = 0.7;
    const rotation = [Math.cos(angle), -Math.sin(angle), Math.sin(angle), Math.cos(angle)];
    expect(maxAbsDiff(bestOrthogonal2(rotation), rotation)).toBeLessThan(1e-12);
    const reflection = [Math.cos(angle), Math.sin(angle), Math.sin(angle), -Math.cos(angle)];
    expect(maxAbsDiff(bestOrthogonal2(reflection), reflection)).toBeLessThan(1e-12);
  });
});

describe('StablePca', () => {
  it('keeps the view when the whole embedding space is rotated and flipped between snapshots', () => {
    const dim = 16;
    const n = 300;
    const rng = new Rng(9);
    const basis = randomOrthogonal(new Rng(10), dim);
    const x = structured(rng, n, dim, basis[0], basis[1], 4, 2, 0.1);
    const pca = new StablePca();
    const first = pca.project(x, n, dim);

    // X·R with R orthogonal and det −1 (a flip), plus a slight perturbation.
    const r = randomOrthogonal(new Rng(11), dim);
    r[0] = r[0].map((v) => -v);
    const moved = new Float32Array(n * dim);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < dim; c++) {
        let s = 0;
        for (let k = 0; k < dim; k++) s += x[i * dim + k] * r[k][c];
        moved[i * dim + c] = s + rng.normal(0, 0.01);
      }
    const second = pca.project(moved, n, dim);
    const spread = Math.max(...Array.from(first, Math.abs));
    expect(maxAbsDiff(second, first) / spread).toBeLessThan(0.02);
    // Without the previous snapshot the same data comes out in another orientation: the alignment did the work.
    const unaligned = new StablePca().project(moved, n, dim);
    expect(maxAbsDiff(unaligned, first) / spread).toBeGreaterThan(0.5);
  });

  it('aligns the basis with the previous one when the points differ (sign flips of the solver)', () => {
    // First snapshot: dominant direction (1, −0.9, 0, 0); pca2's sign rule keeps it as is.
    // Second: (0.9, −1, 0, 0), nearly the same line, but pca2's rule flips it to (−0.9, 1, 0, 0).
    const dim = 4;
    const w = [0, 0, 1, 0];
    const u1 = unit([1, -0.9, 0, 0]);
    const u2 = unit([0.9, -1, 0, 0]);
    const x1 = structured(new Rng(1), 200, dim, u1, w, 5, 1, 0.01);
    const x2 = structured(new Rng(2), 150, dim, u2, w, 5, 1, 0.01);
    expect(dot(column(pca2(x2, 150, dim).components, 0, dim), u1)).toBeLessThan(-0.9); // the raw PCA flips
    const pca = new StablePca();
    pca.project(x1, 200, dim);
    const before = pca.basis()!;
    const projected = pca.project(x2, 150, dim, { align: 'basis' });
    const after = pca.basis()!;
    expect(dot(column(after.components, 0, dim), column(before.components, 0, dim))).toBeGreaterThan(0.99);
    expect(dot(column(after.components, 1, dim), column(before.components, 1, dim))).toBeGreaterThan(0.99);
    // The returned coordinates are those of the stored basis; transform agrees.
    expect(maxAbsDiff(pca.transform(x2, 150, dim), projected)).toBe(0);
  });

  it('shows 2-D embeddings as they are and 1-D ones on the x axis', () => {
    const pca = new StablePca();
    expect(pca.basis()).toBeNull();
    const x = Float32Array.of(1, 2, -3, 4, 5, -6);
    expect(Array.from(pca.project(x, 3, 2))).toEqual([1, 2, -3, 4, 5, -6]);
    expect(Array.from(pca.project(x, 3, 2))).toEqual([1, 2, -3, 4, 5, -6]); // and stays so
    expect(Array.from(pca.basis()!.components)).toEqual([1, 0, 0, 1]);
    expect(Array.from(pca.project(Float32Array.of(7, -1), 2, 1))).toEqual([7, 0, -1, 0]);
  });

  it('is deterministic, resets, and refuses transform before project', () => {
    const x = structured(new Rng(3), 100, 5, unit([1, 2, 0, 0, 1]), unit([0, 0, 1, 0, 0]), 3, 1, 0.1);
    const a = new StablePca();
    expect(() => a.transform(x, 100, 5)).toThrow(/project\(\) first/);
    const p1 = a.project(x, 100, 5);
    a.reset();
    expect(a.basis()).toBeNull();
    expect(a.project(x, 100, 5)).toEqual(p1);
    expect(new StablePca().project(x, 100, 5)).toEqual(p1);
  });
});
