/**
 * Margins and thresholds: metrics at a threshold, histograms, ROC/AUC and the best threshold from held-out pair
 * distances, each checked against plain loops and against verification.ts's own functions.
 */
import { describe, expect, it } from 'vitest';
import { bestThreshold, rocCurve, verificationAt } from '../../../src/core/metrics/verification';
import { Rng } from '../../../src/core/rng';
import {
  countAtMost,
  histogram,
  metricsAtThreshold,
  sortPairDistances,
  summarisePairs,
  type PairDistances,
} from '../../../src/core/teach/threshold';

/** Random pair distances; `ties` rounds them to 2 decimals so many are equal; `nans` adds NaN distances. */
function randomPairs(
  seed: number,
  positives: number,
  negatives: number,
  opts: { ties?: boolean; nans?: number } = {},
): { positive: Float32Array; negative: Float32Array } {
  const rng = new Rng(seed);
  const draw = (mean: number) => {
    const v = Math.abs(rng.normal(mean, 0.3));
    return opts.ties ? Math.round(v * 100) / 100 : v;
  };
  const positive = Float32Array.from({ length: positives }, () => draw(0.5));
  const negative = Float32Array.from({ length: negatives }, () => draw(1.0));
  for (let k = 0; k < (opts.nans ?? 0); k++) {
    positive[rng.int(positives)] = NaN;
    negative[rng.int(negatives)] = NaN;
  }
  return { positive, negative };
}

/** Plain loop: accuracy, precision, recall of "similar if d ≤ t", NaN never similar. */
function plainMetrics(pairs: PairDistances, t: number) {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < pairs.positive.length; i++)
    if (pairs.positive[i] <= t) tp++;
    else fn++;
  for (let i = 0; i < pairs.negative.length; i++)
    if (pairs.negative[i] <= t) fp++;
    else tn++;
  return {
    accuracy: (tp + tn) / (tp + fp + tn + fn),
    precision: tp + fp > 0 ? tp / (tp + fp) : 0,
    recall: tp + fn > 0 ? tp / (tp + fn) : 0,
    tp,
    fp,
    tn,
    fn,
  };
}

/** Concatenated distances and 1/0 labels, the input of verification.ts. */
function flat(pairs: PairDistances): { d: Float64Array; y: Uint8Array } {
  const d = new Float64Array(pairs.positive.length + pairs.negative.length);
  const y = new Uint8Array(d.length);
  for (let i = 0; i < pairs.positive.length; i++) {
    d[i] = pairs.positive[i];
    y[i] = 1;
  }
  for (let i = 0; i < pairs.negative.length; i++) d[pairs.positive.length + i] = pairs.negative[i];
  return { d, y };
}

describe('metricsAtThreshold', () => {
  it('matches a plain loop and verificationAt at pair values, between them and outside the range', () => {
    for (const opts of [{}, { ties: true }, { ties: true, nans: 5 }]) {
      const pairs = randomPairs(7, 400, 600, opts);
      const sorted = sortPairDistances(pairs);
      const { d, y } = flat(pairs);
      const thresholds = [
        -1,
        0,
        1e9,
        ...Array.from(pairs.positive.slice(0, 30)),
        ...Array.from(pairs.negative.slice(0, 30)),
        0.123,
        0.75,
        1.5,
      ];
      for (const t of thresholds) {
        const got = metricsAtThreshold(sorted, t);
        const want = plainMetrics(pairs, t);
        expect(got.truePositives, `tp at ${t}`).toBe(want.tp);
        expect(got.falsePositives, `fp at ${t}`).toBe(want.fp);
        expect(got.trueNegatives, `tn at ${t}`).toBe(want.tn);
        expect(got.falseNegatives, `fn at ${t}`).toBe(want.fn);
        expect(got.accuracy).toBe(want.accuracy);
        expect(got.precision).toBe(want.precision);
        expect(got.recall).toBe(want.recall);
        const reference = verificationAt(t, d, y);
        expect(got.f1).toBeCloseTo(reference.f1, 12);
        expect(got.accuracy).toBe(reference.accuracy);
      }
    }
  });

  it('a NaN threshold calls nothing similar', () => {
    const sorted = sortPairDistances({ positive: [0.1, 0.2], negative: [0.3] });
    expect(metricsAtThreshold(sorted, NaN).truePositives).toBe(0);
    expect(countAtMost([1, 2, 2, 3], 2)).toBe(3);
    expect(countAtMost([1, 2, 2, 3], 0.5)).toBe(0);
    expect(countAtMost([], 0.5)).toBe(0);
  });
});

describe('histogram', () => {
  it('counts like a plain loop, clamps outliers to the end bins and skips NaN', () => {
    const values = [0, 0.05, 0.1, 0.5, 0.99, 1, 1.7, -0.2, NaN];
    const counts = histogram(values, 10, 0, 1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(8);
    const plain = new Array(10).fill(0);
    for (const v of values) {
      if (Number.isNaN(v)) continue;
      let k = Math.floor((v - 0) / 0.1);
      k = Math.min(9, Math.max(0, k));
      plain[k]++;
    }
    expect(counts).toEqual(plain);
    expect(counts[0]).toBe(3); // 0, 0.05 and the clamped −0.2
    expect(counts[9]).toBe(3); // 0.99, 1 and the clamped 1.7
    expect(() => histogram(values, 0, 0, 1)).toThrow(/bins/);
    expect(() => histogram(values, 4, 1, 1)).toThrow(/empty/);
  });
});

describe('summarisePairs', () => {
  it('gives the same ROC, AUC and best threshold as verification.ts, ties and NaNs included', () => {
    for (const [seed, opts] of [
      [1, {}],
      [2, { ties: true }],
      [3, { ties: true, nans: 4 }],
    ] as const) {
      const pairs = randomPairs(seed, 300, 500, opts);
      const { d, y } = flat(pairs);
      const summary = summarisePairs(pairs, 100_000);
      const reference = rocCurve(d, y);
      expect(summary.auc).toBeCloseTo(reference.auc, 12);
      expect(summary.roc.length).toBe(reference.points.length);
      summary.roc.forEach((p, k) => {
        expect(p.threshold).toBe(reference.points[k].threshold);
        expect(p.truePositiveRate).toBeCloseTo(reference.points[k].truePositiveRate, 12);
        expect(p.falsePositiveRate).toBeCloseTo(reference.points[k].falsePositiveRate, 12);
      });
      const best = bestThreshold(d, y, 'accuracy');
      expect(summary.best!.threshold).toBe(best.threshold);
      expect(summary.best!.accuracy).toBe(best.accuracy);
    }
  });

  it('AUC is the Mann–Whitney probability (plain double loop), and no threshold beats the best one', () => {
    const pairs = randomPairs(11, 120, 150, { ties: true });
    let wins = 0;
    for (const p of pairs.positive) for (const n of pairs.negative) wins += p < n ? 1 : p === n ? 0.5 : 0;
    const summary = summarisePairs(pairs);
    expect(summary.auc).toBeCloseTo(wins / (120 * 150), 12);
    const candidates = [...Array.from(pairs.positive), ...Array.from(pairs.negative), -1];
    for (const t of candidates) expect(plainMetrics(pairs, t).accuracy).toBeLessThanOrEqual(summary.best!.accuracy);
    expect(summary.maxDistance).toBe(Math.max(...candidates));
    expect(summary.roc.length).toBeLessThanOrEqual(101);
  });

  it('handles one kind missing and no finite distance without throwing', () => {
    const onlyPositive = summarisePairs({ positive: [0.1, 0.3], negative: [] });
    expect(onlyPositive.auc).toBeNaN();
    expect(onlyPositive.best!.accuracy).toBe(1);
    const none = summarisePairs({ positive: [NaN], negative: [NaN] });
    expect(none.best).toBeNull();
    expect(none.maxDistance).toBe(0);
  });
});
