import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateEmbeddings } from '../../../src/core/metrics/evaluate';
import { retrievalMetrics } from '../../../src/core/metrics/retrieval';
import { bestThreshold, verificationAt } from '../../../src/core/metrics/verification';
import { Rng } from '../../../src/core/rng';
import { expectNoLeakedTensors, useCpuBackend } from '../../helpers/tf';

beforeAll(async () => {
  await useCpuBackend();
});

type Metric = 'euclidean' | 'cosine' | 'manhattan';

function plainDistances(x: Float32Array, n: number, dim: number, metric: Metric): Float32Array {
  const d = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0,
        dot = 0,
        na = 0,
        nb = 0;
      for (let k = 0; k < dim; k++) {
        const a = x[i * dim + k];
        const b = x[j * dim + k];
        if (metric === 'euclidean') s += (a - b) ** 2;
        else if (metric === 'manhattan') s += Math.abs(a - b);
        else {
          dot += a * b;
          na += a * a;
          nb += b * b;
        }
      }
      d[i * n + j] =
        metric === 'euclidean'
          ? Math.sqrt(Math.max(s, 1e-12))
          : metric === 'manhattan'
            ? s
            : 1 - dot / Math.sqrt(na * nb);
    }
  return d;
}

/** Class-shifted Gaussian embeddings: structured but not perfectly separable. */
function labelledEmbeddings(seed: number, n: number, dim: number, classes: number) {
  const rng = new Rng(seed);
  const labels = Int32Array.from({ length: n }, () => rng.int(classes));
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < dim; k++) x[i * dim + k] = rng.normal() + (k === labels[i] % dim ? 1.5 : 0);
  return { x, labels };
}

function mannWhitney(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  let wins = 0;
  for (let i = 0; i < positives.length; i++)
    for (let j = 0; j < negatives.length; j++) {
      wins += positives[i] < negatives[j] ? 1 : positives[i] === negatives[j] ? 0.5 : 0;
    }
  return wins / (positives.length * negatives.length);
}

describe('evaluateEmbeddings', () => {
  it('agrees with the plain-JS metrics when every pair fits in the sample', () => {
    const n = 60;
    const dim = 5;
    const { x, labels } = labelledEmbeddings(1, n, dim, 4);
    const m = evaluateEmbeddings(x, n, dim, labels, {
      distance: 'euclidean',
      margin: 0.5,
      threshold: null,
      rng: new Rng(2),
    });
    const d = plainDistances(x, n, dim, 'euclidean');
    const reference = retrievalMetrics(d, n, labels);
    for (const key of ['precisionAt1', 'rPrecision', 'mapAtR'] as const) expect(m[key]).toBeCloseTo(reference[key], 10);
    expect(m.recallAtK).toEqual(reference.recallAtK);
    expect(m.mapAtR).toBeGreaterThan(0.2);
    expect(m.mapAtR).toBeLessThan(0.9);

    // All pairs: positives are exactly the same-label pairs i < j.
    const positives: number[] = [];
    const negatives: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) (labels[i] === labels[j] ? positives : negatives).push(d[i * n + j]);
    const sorted = (a: ArrayLike<number>) => Array.from(a).sort((p, q) => p - q);
    expect(m.positiveDistances.length).toBe(positives.length);
    expect(m.negativeDistances.length).toBe(negatives.length);
    const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(maxDiff(sorted(m.positiveDistances), sorted(positives))).toBeLessThan(1e-4); // float32 matmul distances
    expect(maxDiff(sorted(m.negativeDistances), sorted(negatives))).toBeLessThan(1e-4);
    expect(m.auc).toBeCloseTo(mannWhitney(positives, negatives), 3);

    const allDistances = [...positives, ...negatives];
    const similar = [...positives.map(() => 1), ...negatives.map(() => 0)];
    const best = bestThreshold(allDistances, similar);
    expect(m.pairAccuracy).toBeCloseTo(best.accuracy, 3);
    expect(m.bestThreshold).toBeCloseTo(best.threshold, 3);
    expect(m.thresholdMetrics.threshold).toBe(m.bestThreshold);
    expect(m.roc.length).toBeLessThanOrEqual(101);
    expect(m.roc[0]).toMatchObject({ truePositiveRate: 0, falsePositiveRate: 0 });
    expect(m.roc[m.roc.length - 1]).toMatchObject({ truePositiveRate: 1, falsePositiveRate: 1 });
    expect(m.collapse.collapsed).toBe(false);
    expect(m.norms.mean).toBeGreaterThan(0);
    expect(m.tripletViolation).toBeGreaterThan(0);
    expect(m.tripletViolation).toBeLessThan(1);
  });

  it('reports at the configured threshold and samples a balanced, reproducible set of real pairs', () => {
    const n = 150;
    const dim = 4;
    const { x, labels } = labelledEmbeddings(3, n, dim, 3);
    const options = { distance: 'euclidean' as const, margin: 0.5, threshold: 2, rng: new Rng(4), pairSamples: 400 };
    const m = evaluateEmbeddings(x, n, dim, labels, options);
    expect(m.positiveDistances.length).toBe(200);
    expect(m.negativeDistances.length).toBe(200);
    // Every sampled distance is the distance of a real pair of its kind.
    const d = plainDistances(x, n, dim, 'euclidean');
    const ofKind = (same: boolean) => {
      const values: number[] = [];
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) if ((labels[i] === labels[j]) === same) values.push(d[i * n + j]);
      return values;
    };
    const positives = ofKind(true);
    const negatives = ofKind(false);
    for (const v of m.positiveDistances) expect(positives.some((p) => Math.abs(p - v) < 1e-4)).toBe(true);
    for (const v of m.negativeDistances) expect(negatives.some((p) => Math.abs(p - v) < 1e-4)).toBe(true);
    const pairs = [...m.positiveDistances, ...m.negativeDistances];
    const similar = pairs.map((_, i) => (i < 200 ? 1 : 0));
    expect(m.thresholdMetrics).toEqual(verificationAt(2, pairs, similar));
    expect(m.auc).toBeCloseTo(mannWhitney(m.positiveDistances, m.negativeDistances), 10);
    // Same seed, same numbers.
    expect(evaluateEmbeddings(x, n, dim, labels, { ...options, rng: new Rng(4) })).toEqual(m);
  });

  it('uses the configured distance: cosine, Mahalanobis with identity whitening, and Manhattan in row blocks', () => {
    const small = labelledEmbeddings(5, 40, 6, 3);
    const cosine = evaluateEmbeddings(small.x, 40, 6, small.labels, {
      distance: 'cosine',
      margin: 0.2,
      threshold: null,
      rng: new Rng(1),
    });
    const cosineReference = retrievalMetrics(plainDistances(small.x, 40, 6, 'cosine'), 40, small.labels);
    expect(cosine.mapAtR).toBeCloseTo(cosineReference.mapAtR, 10);
    const euclideanReference = retrievalMetrics(plainDistances(small.x, 40, 6, 'euclidean'), 40, small.labels);
    expect(cosineReference.mapAtR).not.toBeCloseTo(euclideanReference.mapAtR, 6); // the metric matters here

    const identity = new Float32Array(36);
    for (let k = 0; k < 6; k++) identity[k * 7] = 1;
    const mahalanobis = evaluateEmbeddings(small.x, 40, 6, small.labels, {
      distance: 'mahalanobis',
      whitening: identity,
      margin: 0.2,
      threshold: null,
      rng: new Rng(1),
    });
    expect(mahalanobis.mapAtR).toBeCloseTo(euclideanReference.mapAtR, 10);

    // 520 × 520 × 64 difference values exceed one Manhattan block (2^24), so this runs in two blocks.
    const large = labelledEmbeddings(6, 520, 64, 10);
    const manhattan = evaluateEmbeddings(large.x, 520, 64, large.labels, {
      distance: 'manhattan',
      margin: 1,
      threshold: null,
      rng: new Rng(1),
      pairSamples: 200,
    });
    const manhattanReference = retrievalMetrics(plainDistances(large.x, 520, 64, 'manhattan'), 520, large.labels);
    expect(manhattan.precisionAt1).toBeCloseTo(manhattanReference.precisionAt1, 10);
    expect(manhattan.mapAtR).toBeCloseTo(manhattanReference.mapAtR, 6);
  });

  it('notices a collapsed embedding', () => {
    const x = new Float32Array(30 * 3).fill(0.7);
    const labels = Int32Array.from({ length: 30 }, (_, i) => i % 3);
    const m = evaluateEmbeddings(x, 30, 3, labels, {
      distance: 'euclidean',
      margin: 0.2,
      threshold: null,
      rng: new Rng(1),
    });
    expect(m.collapse.collapsed).toBe(true);
    expect(m.auc).toBeCloseTo(0.5, 6); // every pair ties
  });

  it('leaks no tensors', async () => {
    const { x, labels } = labelledEmbeddings(7, 30, 4, 3);
    await expectNoLeakedTensors(() =>
      evaluateEmbeddings(x, 30, 4, labels, { distance: 'euclidean', margin: 0.2, threshold: null, rng: new Rng(1) }),
    );
    const w = Float32Array.from({ length: 16 }, (_, t) => (t % 5 === 0 ? 2 : 0));
    await expectNoLeakedTensors(() =>
      evaluateEmbeddings(x, 30, 4, labels, {
        distance: 'mahalanobis',
        whitening: w,
        margin: 0.2,
        threshold: null,
        rng: new Rng(1),
      }),
    );
  });

  it('explains bad input', () => {
    const opts = { distance: 'euclidean' as const, margin: 0.2, threshold: null, rng: new Rng(1) };
    expect(() => evaluateEmbeddings(new Float32Array(3), 1, 3, [0], opts)).toThrow(/at least 2 embeddings/);
    expect(() => evaluateEmbeddings(new Float32Array(6), 2, 3, [0], opts)).toThrow(/1 labels for 2/);
    expect(() =>
      evaluateEmbeddings(new Float32Array(6), 2, 3, [0, 1], {
        ...opts,
        distance: 'mahalanobis',
        whitening: new Float32Array(4),
      }),
    ).toThrow(/3×3/);
  });
});
