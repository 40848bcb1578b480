import { describe, expect, it } from 'vitest';
import { lda2, StableLda } from '../../../src/core/projection/lda';
import { pca2 } from '../../../src/core/projection/pca';
import { projectWith } from '../../../src/core/projection/stablePlane';
import { classAgreement } from '../../../src/core/projection/quality';
import { Rng } from '../../../src/core/rng';

/**
 * Classes that differ only along low-variance directions, hidden under two directions of large shared noise: the
 * PCA shows the noise, the LDA must find the class directions.
 */
function hiddenClasses(seed: number, n: number, dim: number, classes: number) {
  const rng = new Rng(seed);
  const values = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let k = 0; k < dim; k++) values[i * dim + k] = rng.normal(0, 0.3);
    values[i * dim] += rng.normal(0, 6); // big shared noise on axes 0 and 1
    values[i * dim + 1] += rng.normal(0, 6);
    // Class centres on a circle in axes 2 and 3.
    values[i * dim + 2] += 1.5 * Math.cos((2 * Math.PI * c) / classes);
    values[i * dim + 3] += 1.5 * Math.sin((2 * Math.PI * c) / classes);
  }
  return { values, labels };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
};
const column = (m: Float32Array, c: number, dim: number) => Array.from({ length: dim }, (_, k) => m[k * 2 + c]);

describe('lda2', () => {
  it('separates classes that the PCA hides, far better than the PCA (10-NN class agreement)', () => {
    const n = 600;
    const dim = 12;
    const { values, labels } = hiddenClasses(1, n, dim, 4);
    const fit = lda2(values, n, dim, labels, { shrinkage: 0.1 })!;
    const ldaPicture = projectWith(values, n, dim, fit.mean, fit.components);
    const pca = pca2(values, n, dim);
    const pcaPicture = projectWith(values, n, dim, pca.mean, pca.components);
    const lda = classAgreement(ldaPicture, labels);
    const plain = classAgreement(pcaPicture, labels);
    expect(lda).toBeGreaterThan(0.9);
    expect(plain).toBeLessThan(0.45); // four classes: 0.25 is no separation at all
    expect(fit.separation[0]).toBeGreaterThan(fit.separation[1]);
    expect(fit.separation[1]).toBeGreaterThan(0);
    expect(fit.classes).toBe(4);
  });

  it('returns orthonormal axes (an orthogonal projection: no distance in the picture exceeds the true one)', () => {
    const n = 300;
    const dim = 8;
    const { values, labels } = hiddenClasses(2, n, dim, 3);
    const fit = lda2(values, n, dim, labels)!;
    const a = column(fit.components, 0, dim);
    const b = column(fit.components, 1, dim);
    expect(dot(a, a)).toBeCloseTo(1, 5);
    expect(dot(b, b)).toBeCloseTo(1, 5);
    expect(Math.abs(dot(a, b))).toBeLessThan(1e-5);
    const picture = projectWith(values, n, dim, fit.mean, fit.components);
    for (let t = 0; t < 200; t++) {
      const i = (t * 7) % n;
      const j = (t * 13 + 5) % n;
      let full = 0;
      for (let k = 0; k < dim; k++) full += (values[i * dim + k] - values[j * dim + k]) ** 2;
      const shown = (picture[2 * i] - picture[2 * j]) ** 2 + (picture[2 * i + 1] - picture[2 * j + 1]) ** 2;
      expect(shown).toBeLessThanOrEqual(full * (1 + 1e-5) + 1e-9);
    }
  });

  it('finds the one discriminant of two classes and fills the second axis with the largest remaining spread', () => {
    const n = 400;
    const dim = 6;
    const rng = new Rng(3);
    const values = new Float32Array(n * dim);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (let k = 0; k < dim; k++) values[i * dim + k] = rng.normal(0, 0.1);
      values[i * dim + 4] += labels[i] ? 1 : -1; // the class axis
      values[i * dim + 1] += rng.normal(0, 3); // the big spread
    }
    const fit = lda2(values, n, dim, labels)!;
    expect(Math.abs(fit.components[4 * 2])).toBeGreaterThan(0.95);
    expect(Math.abs(fit.components[1 * 2 + 1])).toBeGreaterThan(0.95);
    expect(fit.separation[1]).toBe(0);
  });

  it('is null without two classes, ignores negative labels and rejects bad input', () => {
    const values = Float32Array.from({ length: 30 }, (_, i) => Math.sin(i));
    expect(lda2(values, 10, 3, new Int32Array(10))).toBeNull();
    expect(
      lda2(
        values,
        10,
        3,
        Int32Array.from({ length: 10 }, (_, i) => (i === 0 ? 1 : -1)),
      ),
    ).toBeNull();
    expect(() => lda2(values, 10, 3, new Int32Array(9))).toThrow(/10 labels/);
    expect(() => lda2(values, 10, 1, new Int32Array(10))).toThrow(/bad shape/);
    expect(() => lda2(values, 10, 3, new Int32Array(10), { shrinkage: 2 })).toThrow(/shrinkage/);
  });

  it('gives the same axes (signs included) on repeated calls', () => {
    const { values, labels } = hiddenClasses(4, 200, 10, 5);
    const a = lda2(values, 200, 10, labels)!;
    const b = lda2(values, 200, 10, labels)!;
    expect(Array.from(a.components)).toEqual(Array.from(b.components));
  });
});

describe('StableLda', () => {
  it('keeps the view when the embedding space is rotated and flipped between snapshots', () => {
    const n = 400;
    const dim = 10;
    const { values, labels } = hiddenClasses(5, n, dim, 4);
    const lda = new StableLda({ shrinkage: 0.1 });
    const first = lda.project(values, n, dim, labels)!;
    // Mirror axis 2 and swap axes 2 and 3 (a rotation and flip of the class plane), plus a little noise.
    const rng = new Rng(6);
    const moved = values.slice();
    for (let i = 0; i < n; i++) {
      moved[i * dim + 2] = values[i * dim + 3] + rng.normal(0, 0.01);
      moved[i * dim + 3] = -values[i * dim + 2] + rng.normal(0, 0.01);
    }
    const second = lda.project(moved, n, dim, labels)!;
    const spread = Math.max(...Array.from(first, Math.abs));
    const diff = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
    expect(diff(second, first) / spread).toBeLessThan(0.05);
    const unaligned = new StableLda({ shrinkage: 0.1 }).project(moved, n, dim, labels)!;
    expect(diff(unaligned, first) / spread).toBeGreaterThan(0.5);
    // The batch lands in the same plane.
    const batch = lda.transform(moved.subarray(0, 5 * dim), 5, dim)!;
    expect(Array.from(batch)).toEqual(Array.from(second.subarray(0, 10)));
  });

  it('keeps the sign of each axis between snapshots of slightly different data', () => {
    const n = 300;
    const dim = 8;
    const lda = new StableLda();
    const a = hiddenClasses(7, n, dim, 3);
    const first = lda.project(a.values, n, dim, a.labels)!;
    const b = hiddenClasses(8, n, dim, 3);
    const second = lda.project(b.values, n, dim, b.labels)!;
    // Class centres stay on the same side: the mean position of each class moves little.
    for (let c = 0; c < 3; c++) {
      const centre = (p: Float32Array) => {
        let x = 0;
        let y = 0;
        let m = 0;
        for (let i = c; i < n; i += 3) {
          x += p[2 * i];
          y += p[2 * i + 1];
          m++;
        }
        return [x / m, y / m];
      };
      const [x1, y1] = centre(first);
      const [x2, y2] = centre(second);
      expect(Math.hypot(x1 - x2, y1 - y2)).toBeLessThan(0.3 * Math.hypot(x1, y1) + 0.2);
    }
  });

  it('shows a 2-D embedding as it is and gives null for a single class', () => {
    const lda = new StableLda();
    const values = Float32Array.of(1, 2, 3, 4, 5, 6);
    expect(Array.from(lda.project(values, 3, 2, Int32Array.of(0, 1, 0))!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new StableLda().project(new Float32Array(12), 4, 3, new Int32Array(4))).toBeNull();
    expect(new StableLda().transform(new Float32Array(3), 1, 3)).toBeNull();
  });
});

describe('classAgreement', () => {
  it('is 1 for pure neighbourhoods and about the class share when classes are mixed', () => {
    const pure = new Float32Array(40);
    const labels = new Int32Array(20);
    for (let i = 0; i < 20; i++) {
      labels[i] = i < 10 ? 0 : 1;
      pure[2 * i] = (i < 10 ? 0 : 100) + i * 0.01;
    }
    expect(classAgreement(pure, labels, 5)).toBe(1);
    const rng = new Rng(9);
    const mixed = Float32Array.from({ length: 2000 }, () => rng.normal());
    const mixedLabels = Int32Array.from({ length: 1000 }, (_, i) => i % 4);
    const score = classAgreement(mixed, mixedLabels, 10);
    expect(score).toBeGreaterThan(0.18);
    expect(score).toBeLessThan(0.32);
  });
});
