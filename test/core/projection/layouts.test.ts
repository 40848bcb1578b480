import { describe, expect, it } from 'vitest';
import { runToEnd } from '../../../src/core/projection/layout';
import { squaredMetricDistance, toMetricSpace, type MetricSpace } from '../../../src/core/projection/metricSpace';
import { neighbourhoodPreservation } from '../../../src/core/projection/quality';
import { TSNE_MAX_POINTS, TsneLayout } from '../../../src/core/projection/tsne';
import { UmapLayout } from '../../../src/core/projection/umap';
import { Rng } from '../../../src/core/rng';

/** `clusters` well separated Gaussian blobs in `dim` dimensions (centres 10 apart along their own axis, spread 1). */
function blobs(
  clusters: number,
  perCluster: number,
  dim: number,
  seed: number,
): { space: MetricSpace; labels: Int32Array } {
  const rng = new Rng(seed);
  const n = clusters * perCluster;
  const vectors = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    for (let k = 0; k < dim; k++) vectors[i * dim + k] = rng.normal(k === c ? 10 : 0, 1);
  }
  return { space: toMetricSpace(vectors, n, dim, 'euclidean'), labels };
}

/** Share of points whose nearest neighbour in the 2-D layout has the same label (1 = clusters kept apart). */
function layoutPurity(layout: Float32Array, labels: Int32Array): number {
  const n = labels.length;
  let same = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = (layout[2 * i] - layout[2 * j]) ** 2 + (layout[2 * i + 1] - layout[2 * j + 1]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    if (labels[best] === labels[i]) same++;
  }
  return same / n;
}

/** Mean distance between cluster centroids divided by the mean spread inside a cluster (in the layout). */
function separation(layout: Float32Array, labels: Int32Array, clusters: number): number {
  const cx = new Float64Array(clusters);
  const cy = new Float64Array(clusters);
  const count = new Float64Array(clusters);
  labels.forEach((c, i) => {
    cx[c] += layout[2 * i];
    cy[c] += layout[2 * i + 1];
    count[c]++;
  });
  for (let c = 0; c < clusters; c++) {
    cx[c] /= count[c];
    cy[c] /= count[c];
  }
  let spread = 0;
  labels.forEach((c, i) => (spread += Math.hypot(layout[2 * i] - cx[c], layout[2 * i + 1] - cy[c])));
  spread /= labels.length;
  let between = 0;
  let pairs = 0;
  for (let a = 0; a < clusters; a++)
    for (let b = a + 1; b < clusters; b++, pairs++) between += Math.hypot(cx[a] - cx[b], cy[a] - cy[b]);
  return between / pairs / spread;
}

describe('toMetricSpace', () => {
  it('ranks pairs as the run distance does: cosine becomes unit rows, mahalanobis whitened rows', () => {
    const x = Float32Array.of(3, 4, 0, 2, 1, 1);
    const cos = toMetricSpace(x, 3, 2, 'cosine');
    expect(Array.from(cos.vectors.subarray(0, 2))).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    // ‖a − b‖² on unit rows = 2 (1 − cos)
    const cosAB = (3 * 0 + 4 * 2) / (5 * 2);
    expect(squaredMetricDistance(cos, 0, 1)).toBeCloseTo(2 * (1 - cosAB), 6);
    const w = Float32Array.of(2, 0, 0, 0.5);
    const maha = toMetricSpace(x, 3, 2, 'mahalanobis', w);
    expect(squaredMetricDistance(maha, 0, 1)).toBeCloseTo((3 * 2) ** 2 + ((4 - 2) * 0.5) ** 2, 5);
    const l1 = toMetricSpace(x, 3, 2, 'manhattan');
    expect(squaredMetricDistance(l1, 0, 2)).toBe((2 + 3) ** 2);
    expect(() => toMetricSpace(x, 3, 2, 'mahalanobis')).toThrow(/whitening matrix/);
    expect(() => toMetricSpace(x, 2, 2, 'euclidean')).toThrow(/expected 2×2 = 4 values, got 6/);
  });
});

describe('t-SNE', () => {
  const { space, labels } = blobs(5, 30, 12, 3);

  it('is deterministic for a seed and different for another seed', () => {
    const a = runToEnd(new TsneLayout(space, { seed: 7, iterations: 150 }));
    const b = runToEnd(new TsneLayout(space, { seed: 7, iterations: 150 }));
    const c = runToEnd(new TsneLayout(space, { seed: 8, iterations: 150 }));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(a.every(Number.isFinite)).toBe(true);
  });

  it('keeps separated clusters separated and most neighbourhoods intact', () => {
    const layout = runToEnd(new TsneLayout(space, { seed: 1 }));
    expect(layoutPurity(layout, labels)).toBe(1);
    expect(separation(layout, labels, 5)).toBeGreaterThan(4);
    // Within a blob the order of neighbours is noise, so ≈ 0.4 is good; chance is 10/149 ≈ 0.07.
    expect(neighbourhoodPreservation(space, layout, 10)).toBeGreaterThan(0.3);
  });

  it('reports progress in steps and refuses too many points with a clear message', () => {
    const layout = new TsneLayout(space, { seed: 1, iterations: 20 });
    let steps = 0;
    let last = -1;
    while (!layout.step()) {
      expect(layout.progress).toBeGreaterThanOrEqual(last);
      last = layout.progress;
      steps++;
    }
    expect(layout.progress).toBe(1);
    // 150 points: 3 calibration steps, then 20 iterations (the last one returns true).
    expect(steps).toBe(3 + 19);
    const big = toMetricSpace(new Float32Array((TSNE_MAX_POINTS + 1) * 2), TSNE_MAX_POINTS + 1, 2, 'euclidean');
    expect(() => new TsneLayout(big, { seed: 1 })).toThrow('t-SNE runs on at most 2,000 points; this set has 2,001');
  });
});

describe('UMAP (umap-js, seeded)', () => {
  const { space, labels } = blobs(5, 30, 12, 4);

  it('is deterministic for a seed and different for another seed', () => {
    const a = runToEnd(new UmapLayout(space, { seed: 7, epochs: 100 }));
    const b = runToEnd(new UmapLayout(space, { seed: 7, epochs: 100 }));
    const c = runToEnd(new UmapLayout(space, { seed: 9, epochs: 100 }));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('keeps separated clusters separated and most neighbourhoods intact', () => {
    const layout = runToEnd(new UmapLayout(space, { seed: 2 }));
    expect(layoutPurity(layout, labels)).toBe(1);
    expect(separation(layout, labels, 5)).toBeGreaterThan(4);
    expect(neighbourhoodPreservation(space, layout, 10)).toBeGreaterThan(0.3);
  });

  it('says when there are too few points', () => {
    const tiny = toMetricSpace(new Float32Array(4), 2, 2, 'euclidean');
    expect(() => new UmapLayout(tiny, { seed: 1 })).toThrow('UMAP needs at least 3 points, got 2');
  });
});

describe('neighbourhoodPreservation', () => {
  it('is 1 for the identity picture of 2-D data and low for a shuffled picture', () => {
    const rng = new Rng(5);
    const n = 200;
    const x = Float32Array.from({ length: n * 2 }, () => rng.uniform(-1, 1));
    const space = toMetricSpace(x, n, 2, 'euclidean');
    expect(neighbourhoodPreservation(space, x, 5)).toBe(1);
    const shuffled = new Float32Array(n * 2);
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    order.forEach((from, to) => shuffled.set(x.subarray(2 * from, 2 * from + 2), 2 * to));
    expect(neighbourhoodPreservation(space, shuffled, 5)).toBeLessThan(0.15);
  });
});
